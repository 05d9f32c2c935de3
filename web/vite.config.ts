import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web console (issue 7): `npm run build` → web/dist, served by `remit serve` at `/`. */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  // `npx vite --config web/vite.config.ts` for development against a running `remit serve` on :8080.
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
