/**
 * What the bundles import for `node:crypto` (tsup.config.ts redirects the SDK's imports of it
 * here): the same functions, with Node's crypto module loaded at the first call. Loading it costs
 * every process ~5 ms at start (its OpenSSL bindings), and most commands (`ps`, `logs`, `config`,
 * and an `import` of the SDK) never hash or draw a random id. A name the SDK imports that is not
 * here fails the build (esbuild: no matching export), never a run.
 */
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

let crypto: typeof Crypto | undefined;
const load = (): typeof Crypto => (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto);

export function randomBytes(size: number): Buffer {
  return load().randomBytes(size);
}

export function randomUUID(): string {
  return load().randomUUID();
}

export function createHash(algorithm: string): Crypto.Hash {
  return load().createHash(algorithm);
}

export function hash(algorithm: string, data: string, outputEncoding: 'hex'): string {
  return load().hash(algorithm, data, outputEncoding);
}
