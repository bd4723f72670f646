import { readFile } from 'node:fs/promises';
import type { EngineClient } from './client/engine-client.js';

/**
 * How an exec that is due to time out stands, seen from this host:
 * - `running`: it runs as its own command here, started `ageMs` ago (from the kernel's record of
 *   its start: what the engine spent creating and starting it is not in it);
 * - `starting`: the engine has not started it yet, or runc's init still stands in for it;
 * - `unknown`: the engine is not on this host (its pids are another kernel's), the exec ended,
 *   or it cannot be told; the caller then counts the time it measured itself.
 */
export type ExecStanding = { readonly kind: 'running'; readonly ageMs: number } | { readonly kind: 'starting' } | { readonly kind: 'unknown' };

/** The kernel's clock ticks per second in /proc (USER_HZ: 100 on every Linux architecture Docker runs on). */
const USER_HZ = 100;

/** Seconds since boot, and the start of `pid` in seconds since boot, as /proc tells them. */
async function startAndUptime(pid: number): Promise<{ readonly started: number; readonly uptime: number }> {
  const [stat, uptime] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile('/proc/uptime', 'utf8')]);
  // Field 22 (starttime), counted after the command name's closing parenthesis (field 2 may hold spaces).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { started: Number(fields[19]) / USER_HZ, uptime: Number(uptime.split(' ')[0]) };
}

/**
 * @internal Where exec `execId` (running `command`) stands (see {@link ExecStanding}). Docker's
 * healthcheck counts a probe's `timeout` from the moment its process has started, not from the
 * exec's creation: on a busy engine the start alone can take longer than the timeout.
 */
export async function execStanding(client: EngineClient, execId: string, command: readonly string[]): Promise<ExecStanding> {
  if (client.address.kind !== 'unix') return { kind: 'unknown' };
  const inspect = await client.json<{ Running?: boolean; Pid?: number; ExitCode?: number | null }>('GET', `/exec/${execId}/json`);
  if (inspect.Running !== true) return typeof inspect.ExitCode === 'number' ? { kind: 'unknown' } : { kind: 'starting' };
  if (inspect.Pid === undefined || inspect.Pid <= 0) return { kind: 'starting' };
  try {
    const cmdline = await readFile(`/proc/${inspect.Pid}/cmdline`, 'utf8');
    if (cmdline.split('\0').filter((part) => part !== '').join('\0') !== command.join('\0')) return { kind: 'starting' };
    const { started, uptime } = await startAndUptime(inspect.Pid);
    if (!Number.isFinite(started) || !Number.isFinite(uptime)) return { kind: 'unknown' };
    return { kind: 'running', ageMs: Math.max(0, (uptime - started) * 1000) };
  } catch {
    return { kind: 'unknown' }; // another kernel's pid, or gone
  }
}
