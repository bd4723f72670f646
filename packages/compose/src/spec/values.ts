import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { show } from './show.js';
import type { DependencyCondition, RestartPolicy } from './types.js';

const RESTART = /^(?:no|always|unless-stopped|on-failure(?::\d{1,9})?)$/;

/**
 * Checks a restart policy: `no`, `always`, `on-failure`, `on-failure:N`, `unless-stopped`.
 *
 * @throws {@link InvalidArgumentError}
 * @example
 * ```ts
 * parseRestartPolicy('on-failure:3'); // 'on-failure:3'
 * ```
 */
export function parseRestartPolicy(input: unknown, field = 'restart'): RestartPolicy {
  if (typeof input === 'string' && RESTART.test(input)) return input as RestartPolicy;
  throw new InvalidArgumentError(
    `${field}: expected "no", "always", "on-failure", "on-failure:N" or "unless-stopped", received ${show(input)}`,
    { field },
  );
}

const CONDITIONS: Readonly<Record<string, DependencyCondition>> = {
  started: 'service_started',
  healthy: 'service_healthy',
  completed_successfully: 'service_completed_successfully',
  'completed-successfully': 'service_completed_successfully',
  service_started: 'service_started',
  service_healthy: 'service_healthy',
  service_completed_successfully: 'service_completed_successfully',
};

/**
 * Expands a dependency condition or its short alias (`started`, `healthy`,
 * `completed_successfully`) to the compose long form.
 *
 * @throws {@link InvalidArgumentError}
 * @example
 * ```ts
 * parseDependencyCondition('healthy'); // 'service_healthy'
 * ```
 */
export function parseDependencyCondition(input: unknown, field = 'condition'): DependencyCondition {
  const condition = typeof input === 'string' ? CONDITIONS[input] : undefined;
  if (condition !== undefined && Object.hasOwn(CONDITIONS, input as string)) return condition;
  throw new InvalidArgumentError(
    `${field}: expected "service_started", "service_healthy" or "service_completed_successfully" (or started / healthy / completed_successfully), received ${show(input)}`,
    { field },
  );
}

const MEMORY = /^\d+(?:\.\d+)?\s*(?:[bkmgt]i?b?)?$/i;

/** Checks a memory size (`"512m"`, `"1g"`, `"1GiB"`, bytes as a number). @throws {@link InvalidArgumentError} */
export function parseMemory(input: unknown, field = 'memory'): string {
  if (typeof input === 'number' && Number.isInteger(input) && input >= 0) return String(input);
  if (typeof input === 'string' && MEMORY.test(input.trim())) return input.trim().toLowerCase().replace(/\s+/g, '');
  throw new InvalidArgumentError(`${field}: expected a size like "512m", "1g" or a number of bytes, received ${show(input)}`, { field });
}

/** Checks a CPU count (`0.5`, `"1.5"`). @throws {@link InvalidArgumentError} */
export function parseCpus(input: unknown, field = 'cpus'): number {
  const n = typeof input === 'string' && /^\d+(?:\.\d+)?$/.test(input.trim()) ? Number(input) : input;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return n;
  throw new InvalidArgumentError(`${field}: expected a positive number of CPUs like 0.5 or "2", received ${show(input)}`, { field });
}

/**
 * Splits a command string into arguments like a POSIX shell would for plain words and quotes
 * (no expansion). Arrays are returned as they are.
 *
 * @throws {@link InvalidArgumentError} on an unterminated quote.
 * @example
 * ```ts
 * splitCommand('node -e "console.log(1)"'); // ['node', '-e', 'console.log(1)']
 * ```
 */
export function splitCommand(input: string, field = 'command'): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < input.length && '"\\$`'.includes(input[i + 1] as string)) current += input[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < input.length) {
      current += input[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new InvalidArgumentError(`${field}: unterminated ${quote} quote in ${show(input)}`, { field });
  if (inWord) args.push(current);
  return args;
}
