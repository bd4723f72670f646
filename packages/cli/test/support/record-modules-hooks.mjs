// The loader hooks of record-modules.mjs (they run on the loader thread).
import { appendFileSync } from 'node:fs';

let file;

/** Receives `{ file }` from register(). */
export function initialize(data) {
  file = data.file;
}

/** Resolves as Node would, and records the URL it resolved to. */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(file, `${result.url}\n`);
  return result;
}
