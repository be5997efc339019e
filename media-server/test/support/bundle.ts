import { build } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

/**
 * Bundles a browser entry (and its npm imports, e.g. mediasoup-client) into
 * one IIFE string for page.addScriptTag({ content }). Cached per entry so
 * several tests in a file pay for the build once.
 */
export function bundleBrowserScript(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      sourcemap: 'inline',
      logLevel: 'silent',
    }).then((result) => {
      const file = result.outputFiles[0];
      if (!file) throw new Error(`esbuild produced no output for ${entry}`);
      return file.text;
    });
    bundles.set(entry, bundle);
  }
  return bundle;
}
