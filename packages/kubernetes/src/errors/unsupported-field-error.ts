import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * One Compose field that has no faithful Kubernetes mapping: where it is and why.
 *
 * @example
 * ```ts
 * const problem: UnsupportedField = { service: 'api', field: 'services.api.stop_signal', reason: 'Kubernetes always sends SIGTERM' };
 * ```
 */
export interface UnsupportedField {
  /** The service it belongs to; absent for a project-level field (a network, a volume, a secret). */
  readonly service?: string | undefined;
  /** The field path, e.g. `services.api.deploy.resources.limits.pids`. */
  readonly field: string;
  /** Why it cannot be mapped, and what to do instead. */
  readonly reason: string;
}

/**
 * The project uses fields that have no faithful Kubernetes mapping. Every such field is listed
 * (nothing is dropped silently); with `unsupported: 'warn'` they are reported as warnings instead.
 *
 * @example
 * ```ts
 * try { toKubernetes(project); }
 * catch (error) { if (isUnsupportedFieldError(error)) for (const p of error.problems) console.error(p.field, p.reason); }
 * ```
 */
export class UnsupportedFieldError extends ComposeError {
  override readonly name = 'UnsupportedFieldError';
  /** Every field that cannot be mapped, in project order. */
  readonly problems: readonly UnsupportedField[];

  constructor(problems: readonly UnsupportedField[]) {
    const first = problems[0];
    const lines = problems.map((p) => `  - ${p.field}${p.service === undefined ? '' : ` (service '${p.service}')`}: ${p.reason}`);
    super(`${problems.length} field(s) have no faithful Kubernetes mapping:\n${lines.join('\n')}`, {
      code: 'E_K8S_UNSUPPORTED_FIELD',
      service: first?.service,
      field: first?.field,
    });
    this.problems = problems;
  }
}

/**
 * True for an {@link UnsupportedFieldError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { toKubernetes(project); }
 * catch (error) { if (isUnsupportedFieldError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isUnsupportedFieldError = guardFor<UnsupportedFieldError>('E_K8S_UNSUPPORTED_FIELD');
