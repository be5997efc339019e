#!/usr/bin/env node
// A tiny round-robin reverse proxy for `npm run start:cluster` (what nginx does
// in docker-compose). HTTP requests and WebSocket upgrades go to the api nodes
// in turn; the web client uses the WebSocket transport only, so Socket.IO needs
// no sticky sessions. Node built-ins only.
import http from 'node:http';
import net from 'node:net';

const port = Number(process.env.PORT ?? 8080);
const upstreams = (process.env.UPSTREAMS ?? '8081,8082').split(',').map(Number);
let next = 0;
const pick = () => upstreams[next++ % upstreams.length];

const server = http.createServer((req, res) => {
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port: pick(),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { type: 'api_error', code: 'bad_gateway', message: 'No api node answered.' } }));
  });
  req.pipe(upstream);
});

server.on('upgrade', (req, socket, head) => {
  const upstream = net.connect(pick(), '127.0.0.1', () => {
    const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
    upstream.write([`${req.method} ${req.url} HTTP/1.1`, ...headers, '', ''].join('\r\n'));
    if (head.length) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
});

server.listen(port, '127.0.0.1', () => process.stdout.write(`proxy on :${port} -> ${upstreams.join(', ')}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
