import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * The Kubernetes API answered a request with an error (or could not be reached). Carries the
 * request, the HTTP status and the API's own `Status` reason and message.
 *
 * @example
 * ```ts
 * try { await runtime.up(project); }
 * catch (error) { if (isKubernetesApiError(error)) console.error(error.statusCode, error.reason, error.apiMessage); }
 * ```
 */
export class KubernetesApiError extends ComposeError {
  override readonly name = 'KubernetesApiError';
  /** HTTP status (0 when the server could not be reached). */
  readonly statusCode: number;
  /** `PATCH /apis/apps/v1/namespaces/shop/deployments/api`, etc. */
  readonly request: string;
  /** The `Status.reason` the API gave (`NotFound`, `Conflict`, `Forbidden`, …), or `Unreachable`. */
  readonly reason: string;
  /** The `Status.message` the API gave. */
  readonly apiMessage: string;

  constructor(statusCode: number, request: string, reason: string, apiMessage: string, options: { service?: string | undefined; cause?: unknown } = {}) {
    super(`Kubernetes API: ${request} failed (${statusCode === 0 ? 'unreachable' : `${statusCode} ${reason}`}): ${apiMessage}`, {
      code: 'E_K8S_API',
      service: options.service,
      cause: options.cause,
    });
    this.statusCode = statusCode;
    this.request = request;
    this.reason = reason;
    this.apiMessage = apiMessage;
  }
}

/**
 * True for a {@link KubernetesApiError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await runtime.up(project); }
 * catch (error) { if (isKubernetesApiError(error) && error.statusCode === 403) console.error('no RBAC for', error.request); }
 * ```
 */
export const isKubernetesApiError = guardFor<KubernetesApiError>('E_K8S_API');
