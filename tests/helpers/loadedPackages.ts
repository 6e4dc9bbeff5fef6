// Prints the npm packages that importing the pipeline's stages loads, one per line: run with
// `node --import tsx` as a child process (a package's ESM files are seen by a loader hook, its
// CommonJS files in require's cache).
import { createRequire, register } from 'node:module';

const hooks = `export async function load(url, context, next) { if (url.includes('/node_modules/')) console.log('loaded ' + url); return next(url, context); }`;
register('data:text/javascript,' + encodeURIComponent(hooks));
await import('../../pipeline/stages/index.js');
for (const file of Object.keys(createRequire(import.meta.url).cache)) if (file.includes('/node_modules/')) console.log('loaded ' + file);
