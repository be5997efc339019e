export * from './money.js';
export * from './ids.js';
export * from './errors.js';
export * from './auth.js';
export * from './catalog.js';
export * from './streams.js';
export * from './health.js';
export * from './socket.js';
