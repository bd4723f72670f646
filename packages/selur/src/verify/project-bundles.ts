/**
 * What `verifyProject` and `evaluatePolicy` need of a project, and the per-service bundle lookup they
 * share with the runtime.
 */
import { isComposeError, type CtDriver, type ProjectSpec } from '@selur/compose';
import { DEFAULT_BUNDLE_CACHE, resolveBundlePath, type BundleResolver } from './bundle-resolver.js';

/**
 * A project to check: a `Project` (anything with `toJSON()` and `source.workingDir`), or a canonical
 * spec with the folder its relative paths are resolved against.
 *
 * @example
 * ```ts
 * const input: ProjectBundlesInput = { spec: project.toJSON(), workingDir: '/srv/shop' };
 * ```
 */
export type ProjectBundlesInput =
  | { toJSON(): ProjectSpec; readonly source: { readonly workingDir: string } }
  | { readonly spec: ProjectSpec; readonly workingDir: string };

/**
 * Where bundles come from, for `verifyProject` and `evaluatePolicy` (as for the runtime).
 *
 * @example
 * ```ts
 * await verifyProject(project, { resolveBundle: (image) => mirror[image] });
 * ```
 */
export interface BundleLookupOptions {
  /** Maps an image as written to a local bundle file first. */
  readonly resolveBundle?: BundleResolver | undefined;
  /** Folder for bundles fetched by the CtDriver. @default `<os tmp>/selur-compose/bundles` */
  readonly bundleCacheDir?: string | undefined;
}

/** @internal The spec and folder of the input. */
export function specOf(input: ProjectBundlesInput): { spec: ProjectSpec; workingDir: string } {
  if ('spec' in input) return { spec: input.spec, workingDir: input.workingDir };
  return { spec: input.toJSON(), workingDir: input.source.workingDir };
}

/** @internal Resolves a service's bundle, or returns the reason it cannot be. Non-compose errors propagate. */
export async function lookupBundle(ct: CtDriver, image: string, service: string, workingDir: string, options: BundleLookupOptions): Promise<{ bundle: string } | { problem: string }> {
  try {
    return { bundle: await resolveBundlePath(image, service, workingDir, { ct, resolveBundle: options.resolveBundle, cacheDir: options.bundleCacheDir ?? DEFAULT_BUNDLE_CACHE }) };
  } catch (error) {
    if (isComposeError(error)) return { problem: error.message };
    throw error;
  }
}

/** @internal The message of a compose error, or the error rethrown. */
export function composeMessage(error: unknown): string {
  if (isComposeError(error)) return error.message;
  throw error;
}
