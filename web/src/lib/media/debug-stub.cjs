/**
 * mediasoup-client logs through the `debug` package, which a viewer never
 * switches on. This silent stand-in (aliased in vite.config.ts) keeps its
 * ~2 kB (brotli) out of what a viewer downloads before the first WebRTC frame.
 * CommonJS, callable both as `require('debug')(…)` and `require('debug').default(…)`.
 */
function createDebug(namespace) {
  const debug = () => undefined;
  debug.enabled = false;
  debug.namespace = namespace;
  debug.log = () => undefined;
  debug.extend = (suffix) => createDebug(`${namespace}:${suffix}`);
  return debug;
}
createDebug.default = createDebug;
createDebug.enable = () => undefined;
createDebug.disable = () => '';
createDebug.enabled = () => false;
module.exports = createDebug;
