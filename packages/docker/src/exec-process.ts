import { readFile } from 'node:fs/promises';
import type { EngineClient } from './client/engine-client.js';

/**
 * The host process of an exec, as this host sees it:
 * - `running`: its pid here runs the exec's very command;
 * - `starting`: the engine has not started it yet (no pid);
 * - `mismatch`: the pid runs something else (runc's init, about to run the command; or, on an
 *   engine in a VM, another kernel's pid that happens to exist here);
 * - `ended`: the exec has an exit code;
 * - `foreign`: the engine is not on this host, or the pid is not here (another kernel's).
 */
export type ExecProcess =
  | { readonly kind: 'running'; readonly pid: number }
  | { readonly kind: 'starting' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'ended' }
  | { readonly kind: 'foreign' };

/**
 * @internal Where exec `execId` (running `command`) stands on this host: one inspection of the
 * exec, then its pid's command line read through /proc (an engine inside a VM reports pids of
 * another kernel, so a pid is trusted only when it runs this very command).
 */
export async function execProcess(client: EngineClient, execId: string, command: readonly string[]): Promise<ExecProcess> {
  if (client.address.kind !== 'unix') return { kind: 'foreign' };
  const inspect = await client.json<{ Running?: boolean; Pid?: number; ExitCode?: number | null }>('GET', `/exec/${execId}/json`);
  if (inspect.Running !== true) return typeof inspect.ExitCode === 'number' ? { kind: 'ended' } : { kind: 'starting' };
  if (inspect.Pid === undefined || inspect.Pid <= 0) return { kind: 'starting' };
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${inspect.Pid}/cmdline`, 'utf8');
  } catch {
    return { kind: 'foreign' }; // no such pid here: another kernel's (a VM)
  }
  if (cmdline.split('\0').filter((part) => part !== '').join('\0') !== command.join('\0')) return { kind: 'mismatch' };
  return { kind: 'running', pid: inspect.Pid };
}

/** The kernel's clock ticks per second in /proc (USER_HZ: 100 on every Linux architecture Docker runs on). */
const USER_HZ = 100;

/**
 * @internal How long process `pid` has run (ms), from the kernel's record of its start: what the
 * engine spent creating and starting it is not in it. Undefined when it cannot be told.
 * Docker's healthcheck counts a probe's `timeout` from the moment its process has started.
 */
export async function processAgeMs(pid: number): Promise<number | undefined> {
  try {
    const [stat, uptime] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile('/proc/uptime', 'utf8')]);
    // Field 22 (starttime), counted after the command name's closing parenthesis (field 2 may hold spaces).
    const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) / USER_HZ;
    const now = Number(uptime.split(' ')[0]);
    return Number.isFinite(started) && Number.isFinite(now) ? Math.max(0, (now - started) * 1000) : undefined;
  } catch {
    return undefined; // gone
  }
}
