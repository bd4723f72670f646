import { ComposeError, guardFor } from './compose-error.js';

/**
 * A service refers to a secret from its `environment` (`KEY = { secret = "NAME" }`), which every
 * runtime refuses, as upstream selur-compose does: environment variables leak into process listings,
 * crash reports and child processes. Mount the secret as a file instead (`secrets = ["NAME"]`, read
 * at `/run/secrets/NAME`), or, for development only, set `SELUR_DEV_SECRETS=1` (or the runtime's
 * `secretsDevMode` option) to inject the file's content. The message never carries the content.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime }); }
 * catch (error) { if (isSecretInEnvironmentError(error)) console.error(error.service, error.variable, error.secret); }
 * ```
 */
export class SecretInEnvironmentError extends ComposeError {
  override readonly name = 'SecretInEnvironmentError';
  /** The environment variable that refers to the secret. */
  readonly variable: string;
  /** The secret's name. */
  readonly secret: string;
  /** Why: `refused` (dev mode off) or `no-file` (dev mode on, but the secret has no file to read). */
  readonly reason: 'refused' | 'no-file';

  constructor(service: string, variable: string, secret: string, reason: 'refused' | 'no-file', options: { cause?: unknown } = {}) {
    const message =
      reason === 'refused'
        ? `service '${service}': environment variable ${variable} refers to secret '${secret}'; secrets are not put in the environment. Mount it as a file instead (secrets = ["${secret}"], read /run/secrets/${secret}), or set SELUR_DEV_SECRETS=1 for development only`
        : `service '${service}': environment variable ${variable} refers to secret '${secret}', which has no readable file to inject (external secrets cannot be injected into the environment)`;
    super(message, { code: 'E_SECRET_IN_ENVIRONMENT', service, field: `services.${service}.environment.${variable}`, cause: options.cause });
    this.variable = variable;
    this.secret = secret;
    this.reason = reason;
  }
}

/**
 * True for a {@link SecretInEnvironmentError}.
 *
 * @example
 * ```ts
 * if (isSecretInEnvironmentError(error)) console.error(`mount ${error.secret} as a file`);
 * ```
 */
export const isSecretInEnvironmentError = guardFor<SecretInEnvironmentError>('E_SECRET_IN_ENVIRONMENT');
