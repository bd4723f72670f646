/**
 * The Prestarter (prestart.ts): a held "stub" set up when a container is created, taken and
 * released by its first start; none for a program or folder that is not there; ended by
 * discard()/discardAll().
 */
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inlineSpawner, type ChildExit, type ChildSpawner, type HeldChild } from '../../src/adapters/process/spawn/child-spawner.js';
import type { OutputFiles } from '../../src/adapters/process/logs/files.js';
import { Prestarter } from '../../src/adapters/process/spawn/prestart.js';
import { processStartTime } from '../../src/adapters/process/spawn/proc.js';
import { findProgram } from '../../src/adapters/process/spawn/program-path.js';
import type { ContainerRecord } from '../../src/adapters/process/state/types.js';
import { ZygoteSpawner } from '../../src/adapters/process/spawn/zygote.js';
import { alive, killGroup, killHard, processesUsing, waitFor, within } from './support.js';

const TEST = { timeout: 10_000 } as const;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Pids of live processes (other than this one) whose stdout is `path`. */
function writersOf(path: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${entry}/fd/1`) === path && alive(Number(entry))) out.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to look at
    }
  }
  return out;
}


/** The process group id of `pid` (`/proc/<pid>/stat` field 5), or undefined once it is gone. */
function pgrpOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

const spawners: [string, () => ChildSpawner][] = [
  ['ZygoteSpawner', () => new ZygoteSpawner(inlineSpawner)],
  ['inlineSpawner', () => inlineSpawner],
];

describe.each(spawners)('Prestarter with %s', (_name, make) => {
  const spawner = make();
  let dir: string;
  let prestarter: Prestarter;
  const pids: number[] = [];

  /** A created container record: only id, command, cwd and env are read by the Prestarter. */
  const record = (id: string, command: string[], extra: { cwd?: string; env?: Record<string, string> } = {}): ContainerRecord =>
    ({ id, command, cwd: extra.cwd ?? dir, env: extra.env ?? {} }) as Partial<ContainerRecord> as ContainerRecord;
  const filesOf = (id: string): OutputFiles => ({ out: join(dir, `${id}.out`), err: join(dir, `${id}.err`), index: join(dir, `${id}.log`), exit: join(dir, `${id}.exit`) });
  const take = async (id: string): Promise<HeldChild | undefined> => {
    const stub = await within(prestarter.take(id), 5_000, `take(${id})`);
    if (stub) pids.push(stub.child.pid);
    return stub?.child;
  };
  const exitOf = (child: HeldChild): Promise<ChildExit> => within(child.exited, 5_000, 'the stub to exit');
  /** Waits for the one stub (not taken yet) writing to `files.out`; returns its pid. */
  const stubOf = async (files: OutputFiles): Promise<number> => {
    await waitFor(() => writersOf(files.out).length > 0, `a stub writing to ${files.out}`, 3_000);
    const found = writersOf(files.out);
    expect(found).toHaveLength(1);
    const pid = found[0] ?? 0;
    pids.push(pid);
    return pid;
  };

  beforeEach(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'prestart-')));
    prestarter = new Prestarter(spawner);
  });
  afterEach(async () => {
    prestarter.discardAll();
    pids.splice(0).forEach(killGroup);
    killHard(processesUsing(dir));
    await rm(dir, { recursive: true, force: true });
  }, 10_000);

  it('prepares a held stub in the background that take() returns, and runs the command on release', TEST, async () => {
    const files = filesOf('c1');
    prestarter.prepare(record('c1', ['sh', '-c', 'echo "ran $$ $GREETING ${PATH:+with-path}"; pwd -P'], { env: { GREETING: 'hi there' } }), files);
    prestarter.prepare(record('c1', ['sh', '-c', 'echo second']), files); // same id: ignored
    // Spawned without a take(): set up, files created (the index too), nothing run yet.
    const stub = await stubOf(files);
    expect(pgrpOf(stub)).toBe(stub);
    await sleep(100);
    expect(writersOf(files.out)).toEqual([stub]);
    expect(readFileSync(files.out, 'utf8')).toBe('');
    expect(readFileSync(files.index, 'utf8')).toBe('');
    expect(existsSync(files.err)).toBe(true);

    const child = await take('c1');
    expect(child?.pid).toBe(stub);
    expect(child?.released).toBe(false);
    expect(alive(stub)).toBe(true);
    child?.release();
    expect(await exitOf(child as HeldChild)).toEqual({ code: 0, signal: null });
    expect(await readFile(files.out, 'utf8')).toBe(`ran ${stub} hi there with-path\n${dir}\n`);
    expect(await readFile(files.err, 'utf8')).toBe('');
    // A stub is for one start: it is gone once taken.
    expect(await take('c1')).toBeUndefined();
  });

  it('take() right after prepare() spawns the stub at once, and only that one', TEST, async () => {
    const files = filesOf('now');
    prestarter.prepare(record('now', ['sh', '-c', 'echo "now $$"']), files);
    const child = await take('now'); // before the background spawn (setImmediate) had a turn
    expect(child).toBeDefined();
    const pid = child?.pid ?? 0;
    expect(alive(pid)).toBe(true);
    await sleep(200); // the background queue must not spawn a second stub for it
    await waitFor(() => writersOf(files.out).length > 0, 'the stub to set up its stdout', 3_000);
    expect(writersOf(files.out)).toEqual([pid]);
    expect(readFileSync(files.out, 'utf8')).toBe('');
    child?.release();
    expect(await exitOf(child as HeldChild)).toEqual({ code: 0, signal: null });
    expect(await readFile(files.out, 'utf8')).toBe(`now ${pid}\n`);
  });

  it('hands over the stub with its start time, which the exec of the program keeps', TEST, async () => {
    const files = filesOf('st');
    prestarter.prepare(record('st', ['sh', '-c', 'echo up; exec sleep 30']), files);
    const pid = await stubOf(files);
    const stub = await within(prestarter.take('st'), 5_000, 'take(st)');
    pids.push(pid);
    expect(stub?.child.pid).toBe(pid);
    expect(stub?.startTime).toMatch(/^\d+$/);
    expect(stub?.startTime).toBe(processStartTime(pid));
    stub?.child.release();
    await waitFor(() => existsSync(`/proc/${pid}/exe`) && readlinkSync(`/proc/${pid}/exe`).endsWith('/sleep'), 'the program to exec', 3_000);
    // Same process, same start time: a start records the time read while the stub waited.
    expect(processStartTime(pid)).toBe(stub?.startTime);
  });

  it('runs a program given by a path relative to the working folder', TEST, async () => {
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho "script $1"\n');
    await chmod(join(dir, 'run.sh'), 0o755);
    const files = filesOf('rel');
    prestarter.prepare(record('rel', ['./run.sh', 'arg']), files);
    const child = await take('rel');
    expect(child).toBeDefined();
    child?.release();
    expect(await exitOf(child as HeldChild)).toEqual({ code: 0, signal: null });
    expect(await readFile(files.out, 'utf8')).toBe('script arg\n');
  });

  it('take() of an id that was never prepared is undefined', TEST, async () => {
    expect(await take('unknown')).toBeUndefined();
  });

  it('prepares nothing for a program that is not on PATH, or a working folder that does not exist', TEST, async () => {
    const missingProgram = filesOf('noprog');
    const missingCwd = filesOf('nocwd');
    const missingPath = filesOf('nopath');
    const emptyCommand = filesOf('empty');
    prestarter.prepare(record('noprog', ['definitely-not-a-program-xyz']), missingProgram);
    prestarter.prepare(record('nocwd', ['sh', '-c', 'echo ran'], { cwd: join(dir, 'missing') }), missingCwd);
    prestarter.prepare(record('nopath', ['./not-here.sh']), missingPath);
    prestarter.prepare(record('empty', []), emptyCommand);
    await sleep(200);
    expect(await take('noprog')).toBeUndefined();
    expect(await take('nocwd')).toBeUndefined();
    expect(await take('nopath')).toBeUndefined();
    expect(await take('empty')).toBeUndefined();
    // No stub was ever spawned: none of their files exists.
    for (const files of [missingProgram, missingCwd, missingPath, emptyCommand]) for (const file of Object.values(files)) expect(existsSync(file), file).toBe(false);
  });

  it('discard() ends the stub without running the command, and take() is then undefined', TEST, async () => {
    const files = filesOf('d1');
    prestarter.prepare(record('d1', ['sh', '-c', 'echo ran']), files);
    const stub = await stubOf(files);
    prestarter.discard('d1');
    await waitFor(() => !alive(stub), `stub ${stub} to end`, 3_000);
    expect(await take('d1')).toBeUndefined();
    expect(readFileSync(files.out, 'utf8')).toBe('');
  });

  it('a sweep ends the stub of a container that no longer exists, and keeps the others', TEST, async () => {
    const gone = new Set<string>();
    const swept = new Prestarter(spawner, async (r) => !gone.has(r.id), 50);
    try {
      const kept = filesOf('kept');
      const removed = filesOf('removed');
      swept.prepare(record('kept', ['sh', '-c', 'echo ran']), kept);
      swept.prepare(record('removed', ['sh', '-c', 'echo ran']), removed);
      const [keptStub, removedStub] = [await stubOf(kept), await stubOf(removed)];
      gone.add('removed'); // as if another process removed it
      await waitFor(() => !alive(removedStub), `stub ${removedStub} to end`, 3_000);
      await sleep(150); // a few more sweeps
      expect(alive(keptStub)).toBe(true);
      const child = (await swept.take('kept'))?.child;
      expect(child?.pid).toBe(keptStub);
      expect(await swept.take('removed')).toBeUndefined();
      child?.release();
      await waitFor(() => readFileSync(kept.out, 'utf8') === 'ran\n', 'the kept stub to run', 3_000);
    } finally {
      swept.discardAll();
    }
  });

  it('discard() before the background spawn leaves nothing spawned', TEST, async () => {
    const files = filesOf('early');
    prestarter.prepare(record('early', ['sh', '-c', 'echo ran']), files);
    prestarter.discard('early');
    await sleep(300);
    expect(existsSync(files.out)).toBe(false);
    expect(writersOf(files.out)).toEqual([]);
    expect(await take('early')).toBeUndefined();
  });

  it('discardAll() ends every stub', TEST, async () => {
    const ids = ['a', 'b', 'c'];
    for (const id of ids) prestarter.prepare(record(id, ['sh', '-c', `echo ran-${id}`]), filesOf(id));
    const stubs: number[] = [];
    for (const id of ids) stubs.push(await stubOf(filesOf(id)));
    expect(new Set(stubs).size).toBe(3);
    for (const pid of stubs) expect(alive(pid)).toBe(true);
    prestarter.discardAll();
    await waitFor(() => stubs.every((pid) => !alive(pid)), 'every stub to end', 3_000);
    for (const id of ids) {
      expect(await take(id)).toBeUndefined();
      expect(readFileSync(filesOf(id).out, 'utf8')).toBe('');
    }
  });

  it('take() is undefined for a stub that was killed from outside before it was taken', TEST, async () => {
    const files = filesOf('killed');
    prestarter.prepare(record('killed', ['sh', '-c', 'echo ran']), files);
    const stub = await stubOf(files);
    await waitFor(() => pgrpOf(stub) === stub, 'the stub to lead its group', 3_000);
    process.kill(-stub, 'SIGKILL');
    // Gone from /proc once reaped, by the process that then reports its exit to the Prestarter
    // (this one, or the zygote through its pipe): give that report a moment to arrive.
    await waitFor(() => !existsSync(`/proc/${stub}`), `stub ${stub} to be reaped`, 3_000);
    await sleep(300);
    expect(await take('killed')).toBeUndefined();
  });
});

describe('findProgram', () => {
  let dir: string;
  beforeEach(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'find-program-')));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  const executable = async (path: string) => {
    await writeFile(path, '#!/bin/sh\n');
    await chmod(path, 0o755);
  };

  it('finds a program on PATH as an absolute path, skipping what execvp would skip', TEST, async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((d) => join(dir, d)) as [string, string, string];
    for (const d of [a, b, c]) await mkdir(d);
    await writeFile(join(a, 'tool'), 'not executable'); // no x bit: skipped
    await mkdir(join(b, 'tool')); // a folder: skipped
    await executable(join(c, 'tool'));
    expect(findProgram('tool', ['', 'relative/bin', a, b, c].join(':'))).toBe(join(c, 'tool'));
    expect(findProgram('sh', process.env.PATH)).toMatch(/^\/.*\/sh$/);
  });

  it('is undefined for a missing program, a name with a slash, or no PATH', TEST, async () => {
    await executable(join(dir, 'tool'));
    expect(findProgram('definitely-not-a-program-xyz', process.env.PATH)).toBeUndefined();
    expect(findProgram('./tool', dir)).toBeUndefined();
    expect(findProgram(join(dir, 'tool'), dir)).toBeUndefined();
    expect(findProgram('tool', undefined)).toBeUndefined();
    expect(findProgram('tool', '')).toBeUndefined();
  });

  it('does not remember a miss, and remembers a hit for 10 s', TEST, async () => {
    const path = join(dir, 'later');
    expect(findProgram('later', dir)).toBeUndefined();
    await executable(path);
    expect(findProgram('later', dir)).toBe(path); // a miss is not cached
    await unlink(path);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 9_000);
    expect(findProgram('later', dir)).toBe(path); // cached
    vi.spyOn(Date, 'now').mockReturnValue(now + 10_500);
    expect(findProgram('later', dir)).toBeUndefined(); // looked up again
  });
});
