import { readFile } from 'node:fs/promises';
import { SecretInEnvironmentError } from '../errors/secret-in-environment-error.js';
import type { ServiceSpec } from '../spec/types.js';
import type { SecretSource } from './types.js';
import { compareNames } from '../graph/compare-names.js';

/**
 * The rule for `environment` values that refer to a secret (`KEY = { secret = "NAME" }`), shared by
 * the engine and every runtime: refused unless development mode (`SELUR_DEV_SECRETS=1`) allows
 * injecting the secret file's content, as upstream selur-compose does. The content is never logged.
 */

/** True when `SELUR_DEV_SECRETS=1` in `env`. */
export function devSecretsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env['SELUR_DEV_SECRETS'] === '1';
}

/** The `[variable, secret]` pairs of a service's environment that refer to secrets, sorted by variable. */
export function secretEnvironmentRefs(spec: ServiceSpec): Array<readonly [variable: string, secret: string]> {
  const refs: Array<readonly [string, string]> = [];
  for (const [variable, value] of Object.entries(spec.environment)) if (typeof value !== 'string') refs.push([variable, value.secret]);
  return refs.sort(([a], [b]) => compareNames(a, b));
}

/** Throws {@link SecretInEnvironmentError} for the first secret reference when `devMode` is off. */
export function assertSecretEnvironmentAllowed(service: string, spec: ServiceSpec, devMode: boolean): void {
  if (devMode) return;
  const [first] = secretEnvironmentRefs(spec);
  if (first) throw new SecretInEnvironmentError(service, first[0], first[1], 'refused');
}

/**
 * The environment variables that refer to secrets, with the secret files' contents (one final
 * newline dropped). Throws {@link SecretInEnvironmentError} when `devMode` is off or a secret has no
 * readable file. The engine applies this rule before it creates a container; a runtime that can be
 * used without the engine applies it too, so it holds on every path.
 *
 * @example
 * ```ts
 * // in a Runtime's createContainer(request):
 * const injected = await resolveSecretEnvironment(request.service, request.spec, request.secrets, devMode);
 * const environment = { ...request.environment, ...injected };
 * ```
 */
export async function resolveSecretEnvironment(service: string, spec: ServiceSpec, secrets: readonly SecretSource[], devMode: boolean): Promise<Record<string, string>> {
  assertSecretEnvironmentAllowed(service, spec, devMode);
  const env: Record<string, string> = {};
  for (const [variable, secret] of secretEnvironmentRefs(spec)) {
    const source = secrets.find((s) => s.name === secret);
    if (!source) throw new SecretInEnvironmentError(service, variable, secret, 'no-file');
    try {
      env[variable] = (await readFile(source.file, 'utf8')).replace(/\r?\n$/, '');
    } catch (cause) {
      throw new SecretInEnvironmentError(service, variable, secret, 'no-file', { cause: (cause as NodeJS.ErrnoException).code });
    }
  }
  return env;
}
