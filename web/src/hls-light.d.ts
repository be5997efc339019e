// hls.js ships its "light" build (no alternate audio, subtitles, DRM or CMCD,
// none of which Hawker's single-rendition streams use; ~65 kB smaller gzipped)
// without typings of its own. Its API is the full build's.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
