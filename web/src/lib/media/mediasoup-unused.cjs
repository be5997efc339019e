/**
 * A stand-in for the parts of mediasoup-client a browser viewer never runs:
 * the React Native handler, the fake test handler and its test parameters
 * (aliased in vite.config.ts, so they stay out of the first WebRTC frame's
 * download). Device only reaches ReactNative106 inside React Native.
 */
module.exports = {};
