import { closeSync, constants, mkdirSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectPaths } from '../state/paths.js';

/**
 * The files that hold one container's output, under `<stateDir>/projects/<project>/logs/`:
 * - `<id>.out` and `<id>.err`: the service's stdout and stderr themselves. The service writes
 *   them directly (opened `O_APPEND`), so it never depends on a reader: it keeps running and
 *   logging after the process that started it has exited.
 * - `<id>.log`: the index, one line per output line, `<ISO time> <o|e> <end offset> <text>`,
 *   written by the process that tails the raw files (the owner, while it lives): it gives each
 *   line its timestamp and the order across the two streams. `end offset` is the byte offset in
 *   the raw file just after the line, so a reader knows which raw bytes are not indexed yet.
 * - `<id>.exit`: `<pid> <exit code>`, how the service's process ended when the process that
 *   started it was gone by then: written by the zygote, which stays to wait for the services it
 *   forked once its owner exits (spawn/zygote.pl), so that their exit codes are not lost to
 *   whichever process adopts them.
 */
export interface OutputFiles {
  readonly out: string;
  readonly err: string;
  readonly index: string;
  readonly exit: string;
}

/** The output files of container `id`. */
export function outputFiles(paths: ProjectPaths, id: string): OutputFiles {
  return { out: join(paths.logsDir, `${id}.out`), err: join(paths.logsDir, `${id}.err`), index: join(paths.logsDir, `${id}.log`), exit: join(paths.logsDir, `${id}.exit`) };
}

/**
 * Makes the project's log folder (synchronous: a no-op `mkdir` of an existing folder is
 * microseconds, while the thread pool may be busy).
 */
export function ensureLogsDir(paths: ProjectPaths): void {
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
}

/** Opens the raw files for a child's stdout and stderr (append-only, created 0600). Close them after spawning. */
export function openOutputFds(files: Pick<OutputFiles, 'out' | 'err'>): { readonly out: number; readonly err: number } {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
  const out = openSync(files.out, flags, 0o600);
  try {
    return { out, err: openSync(files.err, flags, 0o600) };
  } catch (error) {
    closeSync(out);
    throw error;
  }
}

/** Deletes a container's output files. */
export async function removeOutputFiles(files: OutputFiles): Promise<void> {
  await Promise.all([files.out, files.err, files.index, files.exit].map((f) => rm(f, { force: true })));
}

/**
 * The exit code the zygote wrote for process `pid` (see {@link OutputFiles.exit}): a shell's
 * code, 128 + the signal's number when a signal ended it. Undefined when there is no such file,
 * or it is about another process (an earlier run of the container).
 */
export function exitFileCode(file: string, pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^(\d+) (\d+)\n$/.exec(text);
  return match && Number(match[1]) === pid ? Number(match[2]) : undefined;
}
