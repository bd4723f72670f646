import { InvalidArgumentError, type SvalinnRunRequest, type SvalinnVerifyRequest } from '@selur/compose';
import { parseGatekeeperPolicy } from './gatekeeper-policy.js';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** @internal Throws an InvalidArgumentError unless the digest is `sha256:<64 lowercase hex>`. */
export function checkDigest(value: unknown, field: string): string {
  if (typeof value !== 'string' || !DIGEST.test(value)) {
    const got = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
    throw new InvalidArgumentError(`${field} must be 'sha256:' followed by 64 lowercase hex digits (the digest of the bundle file), got ${got}`, { field });
  }
  return value;
}

/** @internal Validates a policy locally (InvalidPolicyError) and returns it as a plain object. */
export function checkPolicy(policy: unknown): Record<string, unknown> | undefined {
  if (policy === undefined) return undefined;
  return { ...parseGatekeeperPolicy(policy) };
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(`${field} must be a non-empty string, got ${typeof value === 'string' ? '""' : typeof value}`, { field });
  return value;
}

/** Drops `undefined` fields so bodies carry only what was given. */
function compact(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/**
 * @internal The body of `POST /api/v2/run` (camelCase, `gateway-run-request.v2.json`), or of
 * `POST /api/v1/run`: the v1 handler validates `imageName`/`imageDigest` but then reads `image`, so v1
 * also carries `image` (and `digest`) with the same values.
 */
export function runBody(request: SvalinnRunRequest, api: 'v1' | 'v2'): Record<string, unknown> {
  const imageName = nonEmpty(request.imageName, 'imageName');
  const imageDigest = checkDigest(request.imageDigest, 'imageDigest');
  const body = compact({
    imageName,
    imageDigest,
    name: request.name,
    detach: request.detach,
    policy: checkPolicy(request.policy),
    trustStore: request.trustStore,
    policyPath: request.policyPath,
    trustStorePath: request.trustStorePath,
    bundlePath: request.bundlePath,
    config: request.config === undefined ? undefined : compact({ ...request.config }),
  });
  return api === 'v2' ? body : { ...body, image: imageName, digest: imageDigest };
}

/** @internal The body of `POST /api/v1/verify`: `imageDigest` (the schema) and `digest` (what the handler reads). */
export function verifyBody(request: SvalinnVerifyRequest): Record<string, unknown> {
  const imageDigest = checkDigest(request.imageDigest, 'imageDigest');
  return compact({
    imageDigest,
    digest: imageDigest,
    bundlePath: request.bundlePath,
    trustStorePath: request.trustStorePath,
    policyPath: request.policyPath,
    bundle: request.bundle,
    trustStore: request.trustStore,
    policy: checkPolicy(request.policy),
  });
}

/** @internal Whether a `/health` `specVersion` announces the v2 run route (major version ≥ 2). */
export function specServesV2(specVersion: unknown): boolean {
  if (typeof specVersion !== 'string') return false;
  const match = /^v?(\d+)/.exec(specVersion.trim());
  return match !== null && Number(match[1]) >= 2;
}
