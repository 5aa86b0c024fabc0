/**
 * The page's scripts and styles, built once when the playground starts: the page (src/playground/web/app.ts, with
 * the card renderer and markdown-it) bundled by esbuild in memory, and VChart's own browser build served as it is
 * published. Nothing is written to disk and nothing is fetched from a CDN: the page works offline.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface PageAssets {
  appJs: string;
  vchartJs: string;
}

export async function buildPageAssets(): Promise<PageAssets> {
  const entry = fileURLToPath(new URL('./web/app.ts', import.meta.url));
  const bundled = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const require = createRequire(import.meta.url);
  const vchartPath = require.resolve('@visactor/vchart/build/index.min.js');
  return { appJs: bundled.outputFiles[0]!.text, vchartJs: await readFile(vchartPath, 'utf8') };
}
