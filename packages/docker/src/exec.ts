import type { ExecOptions, ExecResult } from '@selur/compose';
import { linkedController } from './client/abort.js';
import { FrameDemuxer } from './client/demux.js';
import type { EngineClient } from './client/engine-client.js';
import { execProcess, processAgeMs, type ExecProcess } from './exec-process.js';

/**
 * Exit code reported when a command is cut off by `timeoutMs` (as GNU `timeout` does).
 *
 * @example
 * ```ts
 * import { EXEC_TIMEOUT_EXIT_CODE } from '@selur/compose-docker';
 * const result = await runtime.exec(id, ['sleep', '60'], { timeoutMs: 1000 });
 * if (result.exitCode === EXEC_TIMEOUT_EXIT_CODE) console.warn('timed out');
 * ```
 */
export const EXEC_TIMEOUT_EXIT_CODE = 124;

const MAX_OUTPUT = 4 * 1024 * 1024;

/** How long a timed-out command that has not started yet is looked for, in the background (ms). */
const KILL_WAIT_MS = 2_000;
/** Between two such looks: the first delay (ms), doubled up to the cap (a busy engine is asked a dozen times, not a hundred). */
const KILL_POLL_MS = 20;
const KILL_POLL_CAP_MS = 200;
/** Looks at a pid whose command line is not (yet) the command: runc's init, about to run it. */
const MISMATCH_LOOKS = 5;

type Look = 'done' | 'again' | 'mismatch';

/** One look at a timed-out command: killed when it runs as itself here; `again` when it has not started yet. */
async function lookAndKill(client: EngineClient, execId: string, command: readonly string[]): Promise<Look> {
  const found = await execProcess(client, execId, command);
  switch (found.kind) {
    case 'starting':
      return 'again';
    case 'mismatch':
      return 'mismatch';
    case 'running':
      process.kill(found.pid, 'SIGKILL');
      return 'done';
    default:
      return 'done'; // ended, or not ours to signal
  }
}

/**
 * Best effort: an engine cannot kill an exec, so when the engine runs on this host (unix socket)
 * the command's host pid is signalled directly, but only after checking through /proc that the pid
 * runs this very command (an engine inside a VM reports pids of another kernel). Elsewhere the
 * command keeps running to its end.
 *
 * The timeout may fire before the engine has started the command (a busy engine: the start
 * request was sent, the process not spawned yet) or while runc still prepares it. It is then
 * looked at again in the background, for at most {@link KILL_WAIT_MS}, until it runs as itself
 * (killed), has ended, or turns out not to be ours: the caller (a healthcheck probe that timed
 * out) gets its answer at once, as before, and the command is not left running.
 */
async function killTimedOut(client: EngineClient, execId: string, command: readonly string[]): Promise<void> {
  if (client.address.kind !== 'unix') return;
  const look = () => lookAndKill(client, execId, command).catch((): Look => 'done'); // not ours to signal, or gone: leave it
  const first = await look();
  if (first === 'done') return;
  void (async () => {
    const deadline = Date.now() + KILL_WAIT_MS;
    let mismatches = first === 'mismatch' ? 1 : 0;
    let delay = KILL_POLL_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, KILL_POLL_CAP_MS);
      const outcome = await look();
      if (outcome === 'done') return;
      if (outcome === 'mismatch' && ++mismatches >= MISMATCH_LOOKS) return; // not this command: not ours to signal
    }
  })();
}

/** How long an exec may take to start, apart from its timeout (ms): what Docker's healthcheck allows. */
export const EXEC_START_WAIT_MS = 30_000;
/** Looks at a command that has not started when its timeout is due, at most (then it counts as timed out). */
const START_LOOKS = 12;
/** A re-armed timeout shorter than this counts as due (tick rounding of the kernel's start time). */
const DUE_WITHIN_MS = 5;

interface ExecDeadline {
  /** The engine answered the start: the timeout counts from here (and from the command's own start, where this host can tell). */
  started(): void;
  clear(): void;
  readonly expired: boolean;
}

/**
 * The timeout of one exec, counted as Docker counts a healthcheck probe's: from the moment the
 * command has started, not from the request. Waiting for the engine's answer to the start has its
 * own bound ({@link EXEC_START_WAIT_MS}). When the timeout is due and the engine runs on this
 * host, the command itself is looked at (see exec-process.ts): one that started later than the engine's
 * answer (runc was slow to spawn it) gets the rest of its time; one not started yet is looked at
 * again, a bounded number of times within the start bound. On a busy engine a probe of a 1 s
 * timeout otherwise timed out before its command had run at all, where Docker's own probe passed.
 */
function execDeadline(client: EngineClient, execId: string, command: readonly string[], timeoutMs: number, controller: AbortController): ExecDeadline {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  let startLooks = 0;
  const startBound = Date.now() + EXEC_START_WAIT_MS;
  const expire = () => {
    expired = true;
    controller.abort(new Error('exec timed out'));
  };
  const arm = (ms: number, then: () => void) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(then, ms);
  };
  const due = async () => {
    const found = await execProcess(client, execId, command).catch((): ExecProcess => ({ kind: 'foreign' }));
    const ageMs = found.kind === 'running' ? await processAgeMs(found.pid) : undefined;
    if (controller.signal.aborted || timer === undefined) return; // ended (or cancelled) meanwhile
    if (ageMs !== undefined && timeoutMs - ageMs >= DUE_WITHIN_MS) return arm(timeoutMs - ageMs, expire);
    // not started yet, or runc's init still stands in for the command
    if ((found.kind === 'starting' || found.kind === 'mismatch') && ++startLooks <= START_LOOKS && Date.now() < startBound) {
      return arm(Math.min(timeoutMs, Math.max(DUE_WITHIN_MS, startBound - Date.now()), 20 * 2 ** startLooks), () => void due());
    }
    expire();
  };
  arm(EXEC_START_WAIT_MS, expire);
  return {
    started: () => arm(timeoutMs, () => void due()),
    clear: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    get expired() {
      return expired;
    },
  };
}

/**
 * exec create → start (the connection is hijacked and multiplexed) → inspect for the exit code.
 * @internal
 */
export async function execInContainer(
  client: EngineClient,
  id: string,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  options.signal?.throwIfAborted();
  const created = await client.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(id)}/exec`, {
    body: {
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Cmd: [...command],
      Env: options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v}`) : undefined,
      WorkingDir: options.workdir,
      ...(options.user !== undefined ? { User: options.user } : {}),
      ...(options.privileged === true ? { Privileged: true } : {}),
    },
  });
  const { controller, dispose } = linkedController(options.signal);
  const deadline = options.timeoutMs === undefined ? undefined : execDeadline(client, created.Id, command, options.timeoutMs, controller);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = 0;
  /** The start was asked for (else the timeout came first: the engine never runs the command). */
  let startSent = false;
  try {
    controller.signal.throwIfAborted();
    startSent = true;
    const response = await client.stream('POST', `/exec/${created.Id}/start`, { body: { Detach: false, Tty: false }, signal: controller.signal });
    deadline?.started(); // the engine answers just before it starts the command
    const demuxer = new FrameDemuxer();
    try {
      for await (const chunk of response) {
        for (const frame of demuxer.push(chunk as Buffer)) {
          if (size >= MAX_OUTPUT) continue;
          size += frame.payload.length;
          (frame.stream === 'stderr' ? err : out).push(frame.payload);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    deadline?.clear();
    dispose();
  }
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  if (deadline?.expired === true) {
    if (startSent) await killTimedOut(client, created.Id, command);
    return { exitCode: EXEC_TIMEOUT_EXIT_CODE, stdout, stderr: `${stderr}${stderr && !stderr.endsWith('\n') ? '\n' : ''}timed out after ${options.timeoutMs} ms\n` };
  }
  // The exit code may land a moment after the stream closes.
  for (let attempt = 0; attempt < 50; attempt++) {
    const inspect = await client.json<{ Running: boolean; ExitCode: number | null }>('GET', `/exec/${created.Id}/json`);
    if (!inspect.Running && inspect.ExitCode !== null) return { exitCode: inspect.ExitCode, stdout, stderr };
    await new Promise((resolve) => setTimeout(resolve, Math.min(5 * (attempt + 1), 50)));
  }
  return { exitCode: -1, stdout, stderr };
}
