import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The RTL text plugin's package exports only its ESM source; MapLibre wants the self-registering
// UMD build, loaded by URL inside its worker. The alias lets `?url` reach that file (served by us).
const rtlTextPlugin = path.join(path.dirname(require.resolve('@mapbox/mapbox-gl-rtl-text')), '../dist/mapbox-gl-rtl-text.js');

// The dev server forwards the API to a running Madina server (MADINA_API, default :8080).
const api = process.env.MADINA_API ?? 'http://localhost:8080';
const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  ['/api', '/health', '/ready', '/docs', '/openapi.json'].map((prefix) => [prefix, { target: api, changeOrigin: false }]),
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
        if (!/\.(js|css|html|svg|json|txt)$/.test(file)) continue;
        const data = fs.readFileSync(file);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
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
