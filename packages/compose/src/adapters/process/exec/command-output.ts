import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let folder: string | undefined;
let inFlight = 0;
let next = 0;

/**
 * The private folder (0700) that holds the output of the commands run through a spawner while
 * they run (see command-runner.ts): made when the first of them starts, removed once the last
 * one has ended, so nothing is left behind, whether this process exits cleanly or not, unless it
 * dies while a command runs.
 */
function enter(): string {
  folder ??= mkdtempSync(join(tmpdir(), 'selur-compose-commands-'));
  inFlight++;
  return folder;
}

function leave(): void {
  if (--inFlight > 0 || folder === undefined) return;
  try {
    rmdirSync(folder);
  } catch {
    // not empty (a file that could not be removed): kept
  }
  folder = undefined;
}

/** One command's output files: stdout and stderr, read back (their ends) once it ended, then removed. */
export interface CommandOutput {
  readonly out: string;
  readonly err: string;
  /** The last `max` characters (at most `max` bytes read) of one stream, empty when the file is missing. */
  read(stream: 'out' | 'err', max: number): string;
  /** Removes both files (each command has its own), and the folder after the last command. Once. */
  remove(): void;
}

/** Two fresh file names for one command's stdout and stderr (the spawner creates the files, 0600); call `remove` when done. */
export function commandOutput(): CommandOutput {
  const base = join(enter(), String(++next));
  const paths = { out: `${base}.out`, err: `${base}.err` };
  let removed = false;
  return {
    ...paths,
    read: (stream, max) => readTail(paths[stream], max),
    remove: () => {
      if (removed) return;
      removed = true;
      for (const path of [paths.out, paths.err]) {
        try {
          unlinkSync(path);
        } catch {
          // never created (the command could not start)
        }
      }
      leave();
    },
  };
}

/** The end of a file as text: its last `max` bytes, decoded (synchronous: a probe writes a few bytes). */
function readTail(path: string, max: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, Math.max(0, max));
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    const text = buffer.subarray(0, read).toString('utf8');
    return text.length > max ? text.slice(text.length - max) : text;
  } finally {
    closeSync(fd);
  }
}
