import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { UpOptions } from './options.js';

function fail(field: string, expected: string, received: unknown): never {
  throw new InvalidArgumentError(`up(): options.${field} must be ${expected}, received ${typeof received === 'string' ? `'${received}'` : String(received)}`, { field });
}

/** @internal Eager validation of `up` options (names the option, the expectation and the value). */
export function validateUpOptions(options: UpOptions): void {
  const { parallel, timeout, onFailure, services, lockTimeout } = options;
  if (parallel !== undefined && !(parallel === Infinity || (Number.isInteger(parallel) && parallel >= 1))) fail('parallel', 'an integer ≥ 1 or Infinity', parallel);
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) fail('timeout', 'a positive number of milliseconds', timeout);
  if (lockTimeout !== undefined && !(Number.isFinite(lockTimeout) && lockTimeout >= 0)) fail('lockTimeout', 'a number of milliseconds ≥ 0', lockTimeout);
  if (onFailure !== undefined && onFailure !== 'rollback' && onFailure !== 'leave') fail('onFailure', "'rollback' or 'leave'", onFailure);
  if (services !== undefined && (!Array.isArray(services) || services.some((s) => typeof s !== 'string'))) fail('services', 'an array of service names', services);
  const { stableFor } = options;
  if (stableFor !== undefined && !(Number.isFinite(stableFor) && stableFor >= 0)) fail('stableFor', 'a number of milliseconds ≥ 0', stableFor);
  if (options.forceRecreate && options.noRecreate) fail('noRecreate', 'false when forceRecreate is true', options.noRecreate);
}
