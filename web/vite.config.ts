import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard is a static single-page app served by `mileage serve` from web/dist: every route that is not
// /api or /v1 falls back to index.html, so assets are addressed from the root.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
});
