import type { Server } from 'node:http';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';

/**
 * Puts the media-server behind the api's origin: `/media/hls/*` (HLS live
 * playlists, segments and replays) and `/media/socket.io` (WebRTC signaling,
 * including its WebSocket upgrade). Browsers then talk to one origin, which
 * keeps cookies, CSP and deployment simple; in docker-compose nginx routes
 * /media to the media-server the same way.
 */
export type MediaProxy = RequestHandler;

export function createMediaProxy(mediaUrl: string): MediaProxy {
  const proxy = createProxyMiddleware({
    target: mediaUrl,
    changeOrigin: true,
    // Not `ws: true`: that makes the proxy take over the server's 'upgrade' event
    // after its first HTTP request, for every path — the room's /socket.io
    // included. /media/ upgrades are routed by forwardMediaUpgrades instead.
    ws: false,
    // Express strips the mount path; put it back so the media-server sees /media/...
    pathRewrite: (path) => (path.startsWith('/media') ? path : `/media${path}`),
    on: {
      error: (_err, _req, res) => {
        if ('writeHead' in res && !res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ error: { type: 'api_error', code: 'media_unavailable', message: 'The media server is not reachable.' } }),
          );
        } else if ('destroy' in res) {
          res.destroy();
        }
      },
    },
  });
  return proxy;
}

/**
 * WebSocket upgrades for /media/* bypass express, so they are routed here.
 * Without a media-server they are refused at once: Socket.IO leaves upgrades
 * that are not its own alone (destroyUpgrade: false), and an unanswered one
 * would hang the client and keep the server from closing.
 */
export function forwardMediaUpgrades(http: Server, proxy: MediaProxy | undefined): void {
  http.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/media/')) return;
    if (proxy) proxy.upgrade(req, socket as never, head);
    else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}
