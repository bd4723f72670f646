import type { RestartPolicy } from '../../../spec/types.js';

/** Whether a process that exited with `exitCode` after `restarts` restarts is started again. */
export function shouldRestart(policy: RestartPolicy, exitCode: number, restarts: number): boolean {
  if (policy === 'always' || policy === 'unless-stopped') return true;
  if (policy === 'no') return false;
  if (exitCode === 0) return false;
  const match = /^on-failure(?::(\d+))?$/.exec(policy);
  if (!match) return false;
  const cap = match[1] === undefined ? undefined : Number(match[1]);
  return cap === undefined || restarts < cap;
}

/** Backoff settings (milliseconds). */
export interface Backoff {
  /** First delay. */
  readonly initialMs: number;
  /** Cap. */
  readonly maxMs: number;
}

/** Delay before restart number `attempt` (0-based), doubling from `initialMs` up to `maxMs`. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
}
