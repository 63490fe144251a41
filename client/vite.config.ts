// The client build: Svelte 5 + Vite, output in client/dist, served by our own server.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  plugins: [svelte()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // bench/inbox.ts reads the manifest to measure the entry and each page's chunks.
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
