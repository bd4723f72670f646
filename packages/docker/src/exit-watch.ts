import { readFile } from 'node:fs/promises';

/** How often the process is looked at while its stop is in flight (ms). */
const POLL_MS = 5;

/** The state letter and start time (clock ticks after boot) of process `pid`, or undefined when it is gone. */
async function processStat(pid: number): Promise<{ readonly state: string; readonly start: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // after the command name's closing parenthesis (the name may hold spaces): field 3 is the state, 22 the start time
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * @internal Calls `onExited` once the main process of container `containerId` (host pid `pid`,
 * as the engine reports it) has ended, as this host's /proc tells: gone, a zombie, or its pid now
 * another process's. Looks every {@link POLL_MS} ms until `signal` aborts (the stop settled),
 * and never calls `onExited` after that. The pid is trusted only when its cgroup names the
 * container: an engine in a VM, or a socket mounted from another host, reports another kernel's
 * pids; then nothing is watched and the stop's answer alone tells.
 *
 * Docker answers a stop ~130 ms after the container's process ended (it deletes the task and
 * cleans up first): a teardown that waits for the answer before stopping the next level pays that
 * at every level.
 */
export async function watchExit(containerId: string, pid: number, signal: AbortSignal, onExited: () => void): Promise<void> {
  if (!(pid > 0) || signal.aborted) return;
  let cgroup: string;
  try {
    cgroup = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return; // not this kernel's pid, or gone already: the stop's answer will tell
  }
  if (!cgroup.includes(containerId)) return;
  const first = await processStat(pid);
  if (first === undefined || signal.aborted) return;
  const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  for (;;) {
    const now = await processStat(pid);
    if (signal.aborted) return;
    if (now === undefined || now.state === 'Z' || now.start !== first.start) {
      onExited();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, POLL_MS))), aborted]);
    clearTimeout(timer);
    if (signal.aborted) return;
  }
}
