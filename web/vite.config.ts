import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ProxyOptions, type Rollup } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The RTL text plugin's package exports only its ESM source; MapLibre wants the self-registering
// UMD build, loaded by URL inside its worker. The alias lets `?url` reach that file (served by us).
const rtlTextPlugin = path.join(path.dirname(require.resolve('@mapbox/mapbox-gl-rtl-text')), '../dist/mapbox-gl-rtl-text.js');

// The dev server forwards the API to a running Madina server (MADINA_API, default :8080).
const api = process.env.MADINA_API ?? 'http://localhost:8080';
const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  ['/api', '/health', '/ready', '/metrics', '/docs', '/openapi.json', '/ogc', '/tiles', '/open311', '/ngsi-ld'].map((prefix) => [
    prefix,
    { target: api, changeOrigin: false },
  ]),
);

/**
 * Writes a Brotli and a gzip copy beside each text file of the build, which the server sends to
 * browsers that accept them (@fastify/static `preCompressed`): a phone downloads ~130 kB of
 * JavaScript for the portal home instead of ~430 kB, with no compression work per request.
 */
function precompress(): Plugin {
  return {
    name: 'madina-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): string[] =>
        fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(path.join(root, 'dist'))) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file) || file.includes(`${path.sep}.vite${path.sep}`)) continue;
        const data = fs.readFileSync(file);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
      }
    },
  };
}

/**
 * The lazy modules a page renders at once, by page path (a prefix: `/office` is also
 * `/office/users`), matched against each chunk's own module, relative to web/. The server adds
 * their chunks and stylesheets to that page's index.html (src/platform/http/web.ts), so they
 * download beside the entry instead of after it has run.
 */
const PAGE_MODULES: Record<string, RegExp[]> = {
  '/office': [/^src\/office\/OfficeApp\.tsx$/, /^i18n\/[a-z]+\/office\.json$/],
  '/reports': [/^src\/portal\/reports\/ReportsRoutes\.tsx$/],
  '/services': [/^src\/portal\/eservices\/ServicesRoutes\.tsx$/, /^i18n\/[a-z]+\/services\.json$/],
  '/verify': [/^src\/portal\/eservices\/VerifyPage\.tsx$/, /^i18n\/[a-z]+\/services\.json$/],
};

/** Writes .vite/page-preloads.json: page path → { scripts, styles } (the server reads it; not served). */
function pagePreloads(): Plugin {
  return {
    name: 'madina-page-preloads',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
      const byFile = new Map(chunks.map((c) => [c.fileName, c]));
      const closure = (start: Rollup.OutputChunk[]) => {
        const seen = new Set<Rollup.OutputChunk>();
        const visit = (chunk: Rollup.OutputChunk | undefined) => {
          if (!chunk || seen.has(chunk)) return;
          seen.add(chunk);
          for (const file of chunk.imports) visit(byFile.get(file));
        };
        for (const chunk of start) visit(chunk);
        return seen;
      };
      const css = (set: Set<Rollup.OutputChunk>) => new Set([...set].flatMap((c) => [...(c.viteMetadata?.importedCss ?? [])]));
      // What index.html loads anyway.
      const initial = closure(chunks.filter((c) => c.isEntry));
      const initialCss = css(initial);
      const preloads: Record<string, { scripts: string[]; styles: string[] }> = {};
      for (const [page, patterns] of Object.entries(PAGE_MODULES)) {
        const roots = chunks.filter((c) => {
          const id = c.facadeModuleId ? path.relative(root, c.facadeModuleId).split(path.sep).join('/') : '';
          return patterns.some((p) => p.test(id));
        });
        if (roots.length === 0) this.error(`no chunk for the page ${page}: check PAGE_MODULES in web/vite.config.ts`);
        const needed = [...closure(roots)].filter((c) => !initial.has(c));
        preloads[page] = {
          scripts: needed.map((c) => `/${c.fileName}`),
          styles: [...css(new Set(needed))].filter((f) => !initialCss.has(f)).map((f) => `/${f}`),
        };
      }
      this.emitFile({ type: 'asset', fileName: '.vite/page-preloads.json', source: `${JSON.stringify(preloads, null, 2)}\n` });
    },
  };
}

/**
 * The font files every page draws with from its first render, in any language: Naskh (Arabic
 * subset) regular and bold — an Arabic page's text and headings, the commune's Arabic name in
 * the header —, Noto Sans (Latin subset) regular and bold — French and English, digits, the
 * Latin name —, and Noto Sans Tifinagh — ⵜⴰⵎⴰⵣⵉⵖⵜ in the language switcher.
 */
const FIRST_PAINT_FONTS = [
  'noto-naskh-arabic-arabic-400-normal',
  'noto-naskh-arabic-arabic-700-normal',
  'noto-sans-latin-400-normal',
  'noto-sans-latin-700-normal',
  'noto-sans-tifinagh-tifinagh-400-normal',
];

/**
 * Preloads those fonts from index.html: they download beside the entry script and are there for
 * the first render, instead of being found by that render and swapped in afterwards, which moves
 * the text (a bold heading set in a wider fallback font wraps onto two lines, then back).
 */
function fontPreload(): Plugin {
  return {
    name: 'madina-font-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const files = Object.keys(context.bundle ?? {});
        return FIRST_PAINT_FONTS.map((font) => {
          const file = files.find((name) => new RegExp(`(^|/)${font}-[\\w-]+\\.woff2$`).test(name));
          if (!file) throw new Error(`${font}.woff2 is not in the build: check FIRST_PAINT_FONTS in web/vite.config.ts`);
          return {
            tag: 'link',
            attrs: { rel: 'preload', href: `/${file}`, as: 'font', type: 'font/woff2', crossorigin: '' },
            injectTo: 'head' as const,
          };
        });
      },
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), fontPreload(), pagePreloads(), precompress()],
  resolve: { alias: [{ find: /^madina-rtl-text-plugin(?=\?|$)/, replacement: rtlTextPlugin }] },
  json: { stringify: true },
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // MapLibre alone is ~800 kB minified; it is its own lazy chunk, loaded only with a map.
    chunkSizeWarningLimit: 1100,
  },
  server: { proxy },
  preview: { proxy },
});
