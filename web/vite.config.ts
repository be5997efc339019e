import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type ProxyOptions } from 'vite';
import { compression } from 'vite-plugin-compression2';

// In development the api runs on its own port; proxying keeps the browser on one
// origin, so the httpOnly session cookie and same-origin fetches behave exactly as
// in production, where the api serves web/dist itself.
const API_ORIGIN = 'http://127.0.0.1:8080';

const proxy: Record<string, ProxyOptions> = {
  '/api': { target: API_ORIGIN },
  '/socket.io': { target: API_ORIGIN, ws: true },
  // The media socket and HLS playlists: the api proxies /media/* on to the media-server.
  '/media': { target: API_ORIGIN, ws: true },
};

export default defineConfig({
  // Every text asset is also written brotli- and gzip-compressed at build time (at their highest
  // levels, once), so the api serves the smallest encoding the browser accepts without
  // compressing on each request (api/src/http/static.ts).
  plugins: [
    svelte(),
    compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css|html|svg|json|webmanifest)$/, threshold: 1024 }),
  ],
  // What a browser viewer never runs, left out of its download (see the two stand-in modules).
  resolve: {
    alias: [
      { find: /^debug$/, replacement: fileURLToPath(new URL('./src/lib/media/debug-stub.cjs', import.meta.url)) },
      {
        find: /^\.\/(handlers\/(FakeHandler|ReactNative106)|test\/fakeParameters)$/,
        replacement: fileURLToPath(new URL('./src/lib/media/mediasoup-unused.cjs', import.meta.url)),
      },
    ],
  },
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
