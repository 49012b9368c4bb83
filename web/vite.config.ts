/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server proxies the API and Socket.IO to a local `miri serve`
// (MIRI_API, default http://127.0.0.1:8080); the build goes to web/dist,
// which `miri serve` serves.
const api = process.env.MIRI_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 500 },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    exclude: ['src/**/*.contract.test.ts'],
    restoreMocks: true,
  },
});
