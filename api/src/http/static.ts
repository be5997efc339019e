import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import expressStaticGzip from 'express-static-gzip';

/**
 * Serves the built web app, pre-compressed (brotli or gzip, as the browser
 * accepts). Hashed assets are cached for a year; index.html
 * is never cached, and unknown non-API paths fall back to it (client routing).
 */
export function webAppRouter(distDir: string): Router | undefined {
  const indexFile = path.join(distDir, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;
  const router = express.Router();
  // The build wrote .br and .gz copies of every text asset (web/vite.config.ts): the smallest the browser accepts is sent.
  const compressed = { enableBrotli: true, orderPreference: ['br', 'gzip'] };
  router.use(
    '/assets',
    expressStaticGzip(path.join(distDir, 'assets'), {
      ...compressed,
      index: false,
      serveStatic: { immutable: true, maxAge: '365d', fallthrough: false },
    }),
  );
  router.use(expressStaticGzip(distDir, { ...compressed, index: false, serveStatic: { index: false, maxAge: 0 } }));
  // Client routes get index.html the same way: its smallest copy the browser accepts.
  const indexCopies = (['br', 'gzip'] as const)
    .map((encoding) => ({ encoding, file: `${indexFile}.${encoding === 'br' ? 'br' : 'gz'}` }))
    .filter((c) => fs.existsSync(c.file));
  router.get(/^\/(?!api\/|socket\.io\/|media\/|metrics$).*/, (req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    // Ours before the browser's order: brotli when it is accepted at all, then gzip.
    const copy = indexCopies.find((c) => req.acceptsEncodings(c.encoding) === c.encoding);
    if (!copy) {
      res.sendFile(indexFile);
      return;
    }
    res.setHeader('Content-Encoding', copy.encoding);
    res.type('html');
    res.sendFile(copy.file);
  });
  return router;
}
