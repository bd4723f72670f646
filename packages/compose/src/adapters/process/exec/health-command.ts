import type { HealthcheckSpec } from '../../../spec/types.js';

/**
 * The argv of a healthcheck `test`: a string runs through `sh -c`; an array is Docker's form
 * (`["CMD", prog, ...args]`, `["CMD-SHELL", "script"]`, `["NONE"]` = disabled) or a plain argv.
 * Undefined when there is nothing to run.
 */
export function healthArgv(healthcheck: HealthcheckSpec | undefined): string[] | undefined {
  if (!healthcheck || healthcheck.disable) return undefined;
  const test = healthcheck.test;
  // no test: the image's, and there is no image here (the engine refuses `healthcheck.image_test` first)
  if (test === undefined) return undefined;
  if (typeof test === 'string') return test.trim() === '' ? undefined : ['sh', '-c', test];
  const [head, ...rest] = test;
  if (head === undefined || head === 'NONE') return undefined;
  if (head === 'CMD') return rest.length > 0 ? [...rest] : undefined;
  if (head === 'CMD-SHELL') return rest.length > 0 ? ['sh', '-c', rest.join(' ')] : undefined;
  return [...test];
}
