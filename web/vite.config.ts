import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

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

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
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
