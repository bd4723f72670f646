import { closeSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../runtime/types.js';
import { openOutputFds, type OutputFiles } from './files.js';
import { parseIndexLines } from './format.js';
import { readAllOutput } from './reader.js';
import { OutputTailer } from './tailer.js';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('OutputTailer', () => {
  let dir: string;
  let files: OutputFiles;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tailer-'));
    files = { out: join(dir, 'x.out'), err: join(dir, 'x.err'), index: join(dir, 'x.log'), exit: join(dir, 'x.exit') };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('catchUp() reads at once the complete lines written before it started, not a partial one', () => {
    const fds = openOutputFds(files);
    const seen: LogLine[] = [];
    const tailer = new OutputTailer(files, (l) => seen.push(l));
    try {
      writeSync(fds.out, 'ready\nhalf');
      expect(tailer.start()).toBe(0);
      expect(seen).toEqual([]);
      tailer.catchUp();
      expect(seen.map((l) => l.text)).toEqual(['ready']);
    } finally {
      tailer.stop();
      closeSync(fds.out);
      closeSync(fds.err);
    }
  });

  it('indexes lines of both streams in the order they were written, and a partial line on flush', async () => {
    const fds = openOutputFds(files);
    const seen: LogLine[] = [];
    const tailer = new OutputTailer(files, (l) => seen.push(l));
    try {
      expect(tailer.start()).toBe(0);
      writeSync(fds.out, 'one\ntwo\n');
      await until(() => seen.length === 2, 'two lines');
      writeSync(fds.err, 'three\n');
      await until(() => seen.length === 3, 'three lines');
      writeSync(fds.out, 'par');
      writeSync(fds.out, 'tial');
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toHaveLength(3); // no newline yet
      tailer.flush();
      expect(seen.map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:one', 'stdout:two', 'stderr:three', 'stdout:partial']);
      const index = parseIndexLines(await readFile(files.index, 'utf8'));
      expect(index.map((i) => [i.line.text, i.end])).toEqual([['one', 4], ['two', 8], ['three', 6], ['partial', 15]]);
    } finally {
      tailer.stop();
      closeSync(fds.out);
      closeSync(fds.err);
    }
  });

  it('resumes where the index ends, and readers see what no tailer indexed', async () => {
    const fds = openOutputFds(files);
    try {
      const first = new OutputTailer(files, () => undefined);
      first.start();
      writeSync(fds.out, 'a\n');
      first.flush();
      first.stop();
      await new Promise((r) => setTimeout(r, 30));
      writeSync(fds.err, 'b\n'); // written while nobody tails
      await new Promise((r) => setTimeout(r, 30));
      writeSync(fds.out, 'c\n');
      const unindexed = await readAllOutput(files, false);
      // Unindexed lines: timestamps estimated from the files' modification times, order from them.
      expect(unindexed.lines.map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:a', 'stderr:b', 'stdout:c']);
      expect(unindexed.lines[1]?.timestamp.getTime()).toBeLessThan(unindexed.lines[2]?.timestamp.getTime() ?? 0);
      expect(unindexed.cursor).toMatchObject({ stdout: 4, stderr: 2 });
      const seen: string[] = [];
      const second = new OutputTailer(files, (l) => seen.push(l.text));
      expect(second.start()).toBe(1);
      second.flush();
      second.stop();
      expect(seen).toEqual(['c', 'b']); // read in one pass: stdout's before stderr's
      const all = await readAllOutput(files, true);
      expect(all.lines.map((l) => l.text)).toEqual(['a', 'c', 'b']);
      expect(parseIndexLines(await readFile(files.index, 'utf8'))).toHaveLength(3);
    } finally {
      closeSync(fds.out);
      closeSync(fds.err);
    }
  });
});
