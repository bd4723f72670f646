import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let folder: string | undefined;
let next = 0;

/**
 * The private folder (0700, made on first use, removed when this process exits) that holds the
 * output of commands run through a spawner while they run (see command-runner.ts).
 */
function outputFolder(): string {
  if (folder === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'selur-compose-commands-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** One command's output files: stdout and stderr, read back (their ends) once it ended, then removed. */
export interface CommandOutput {
  readonly out: string;
  readonly err: string;
  /** The last `max` characters (at most `max` bytes read) of one stream, empty when the file is missing. */
  read(stream: 'out' | 'err', max: number): string;
  /** Removes both files (each command has its own). */
  remove(): void;
}

/** Two fresh file names for one command's stdout and stderr (the spawner creates the files, 0600). */
export function commandOutput(): CommandOutput {
  const base = join(outputFolder(), String(++next));
  const paths = { out: `${base}.out`, err: `${base}.err` };
  return {
    ...paths,
    read: (stream, max) => readTail(paths[stream], max),
    remove: () => {
      for (const path of [paths.out, paths.err]) {
        try {
          unlinkSync(path);
        } catch {
          // never created (the command could not start)
        }
      }
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
