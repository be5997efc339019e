import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type ProxyOptions } from 'vite';

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
  plugins: [svelte()],
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
