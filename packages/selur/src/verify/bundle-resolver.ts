/**
 * Turns a service's `image` into a local `.ctp` file: a caller's resolver first, then a local path
 * (relative to the compose file's folder), then a remote reference fetched by the CtDriver.
 */
import { access, mkdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { CtDriver } from '@selur/compose';
import { BundleUnavailableError } from '../errors/bundle-unavailable-error.js';

/**
 * Maps an image as written in the compose file to a local bundle file, or returns `undefined` to
 * let the default resolution run. A relative result is resolved against the compose file's folder.
 *
 * @example
 * ```ts
 * const resolveBundle: BundleResolver = (image) => ({ 'nginx:latest.ctp': '/srv/bundles/nginx.ctp' })[image];
 * ```
 */
export type BundleResolver = (image: string, context: { readonly service: string; readonly workingDir: string }) => string | undefined | Promise<string | undefined>;

/** Where bundles came from and how to fetch remote ones. */
export interface BundleSource {
  readonly ct: CtDriver;
  readonly resolveBundle?: BundleResolver | undefined;
  /** Folder for fetched bundles. */
  readonly cacheDir: string;
}

/** The default folder for fetched bundles: `<tmp>/selur-compose/bundles`. */
export const DEFAULT_BUNDLE_CACHE = join(tmpdir(), 'selur-compose', 'bundles');

const EXPLICIT_PATH = /^(?:\.{1,2}[\\/]|[\\/]|~)/;

/** `ghcr.io/org/api:1.ctp`, `localhost:5000/x.ctp`, `nginx:latest.ctp`, `api@sha256:…`: a registry reference. */
function looksRemote(image: string): boolean {
  return /[:@]/.test(image) || /^[^/]+\.[^/]+\//.test(image) || image.startsWith('localhost/');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function localPath(image: string, workingDir: string): string {
  if (image.startsWith('~')) return resolve(homedir(), image.slice(1).replace(/^[\\/]+/, ''));
  return isAbsolute(image) ? image : resolve(workingDir, image);
}

/** A file name for a fetched reference: safe characters only, ending in `.ctp`. */
function cacheName(reference: string): string {
  const safe = reference.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 180) || 'bundle';
  return safe.endsWith('.ctp') ? safe : `${safe}.ctp`;
}

/**
 * @internal Resolves `image` of `service` to an absolute local bundle path.
 * @throws {@link BundleUnavailableError}
 */
export async function resolveBundlePath(image: string, service: string, workingDir: string, source: BundleSource): Promise<string> {
  const mapped = source.resolveBundle ? await source.resolveBundle(image, { service, workingDir }) : undefined;
  if (mapped !== undefined) {
    const path = localPath(mapped, workingDir);
    if (!(await exists(path))) throw new BundleUnavailableError(service, image, 'not-found', `the resolver mapped it to ${path}, which does not exist`, { file: path });
    return path;
  }
  const path = localPath(image, workingDir);
  if (await exists(path)) return path;
  if (EXPLICIT_PATH.test(image) || !looksRemote(image)) {
    throw new BundleUnavailableError(service, image, 'not-found', `no bundle file at ${path}`, { file: path });
  }
  if (!source.ct.capabilities.has('fetch')) {
    throw new BundleUnavailableError(service, image, 'cannot-fetch', `a remote bundle reference, and the '${source.ct.kind}' ct driver cannot fetch; use ctCli() (ct fetch), give a local .ctp path, or map it with the resolveBundle option`);
  }
  const output = join(source.cacheDir, cacheName(image));
  try {
    await mkdir(source.cacheDir, { recursive: true });
    return (await source.ct.fetch(image, { output })) ?? output;
  } catch (cause) {
    throw new BundleUnavailableError(service, image, 'fetch-failed', `fetching it with the '${source.ct.kind}' ct driver failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
