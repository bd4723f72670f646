/**
 * The three child spawners of the process runtime (child-spawner.ts, zygote.ts), held to one
 * contract: argv/cwd/env passed exactly, output straight to 0600 files, exit codes and signals
 * reported, every child the leader of its own session and process group with no terminal, held children that
 * run nothing until released (same pid) and exit 0 when dropped, and held children that end
 * when their owner process dies.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineSpawner, ThreadSpawner, type ChildExit, type ChildSpawner, type HeldChild, type SpawnedChild, type SpawnRequest } from '../../src/adapters/process/spawn/child-spawner.js';
import { findProgram } from '../../src/adapters/process/spawn/program-path.js';
import { ZygoteSpawner } from '../../src/adapters/process/spawn/zygote.js';
import { alive, killGroup, killHard, processesUsing, waitFor, within } from './support.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const childSpawnerModule = fileURLToPath(new URL('../../src/adapters/process/spawn/child-spawner.ts', import.meta.url));
const zygoteModule = fileURLToPath(new URL('../../src/adapters/process/spawn/zygote.ts', import.meta.url));
const PATH = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
const TEST = { timeout: 10_000 } as const;

/** Fields of `/proc/<pid>/stat` a test looks at, or undefined once the pid is gone. */
function procStat(pid: number): { state: string; ppid: number; pgrp: number; session: number; ttyNr: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]), ttyNr: Number(fields[4]) };
  } catch {
    return undefined;
  }
}

/** The command name (`/proc/<pid>/comm`), or undefined once the pid is gone. */
function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}



const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mode = async (path: string) => (await stat(path)).mode & 0o777;

const spawners: [string, () => ChildSpawner][] = [
  ['inlineSpawner', () => inlineSpawner],
  ['ThreadSpawner', () => new ThreadSpawner()],
  ['ZygoteSpawner', () => new ZygoteSpawner(inlineSpawner)],
];

describe.each(spawners)('%s', (name, make) => {
  const spawner = make();
  let dir: string;
  const pids: number[] = [];

  /** A request for `/bin/sh -c script` in `dir`, output to `dir/out` and `dir/err`. */
  const sh = (script: string, extra: Partial<SpawnRequest> = {}): SpawnRequest => ({
    program: '/bin/sh',
    argv0: 'sh',
    args: ['-c', script],
    cwd: dir,
    env: { PATH },
    stdout: join(dir, 'out'),
    stderr: join(dir, 'err'),
    ...extra,
  });
  const track = <T extends SpawnedChild>(child: T): T => {
    pids.push(child.pid);
    return child;
  };
  const start = async (request: SpawnRequest) => track(await spawner.spawn(request));
  const hold = async (request: SpawnRequest) => track(await spawner.spawnHeld(request));
  const exitOf = (child: SpawnedChild, what = 'the child to exit'): Promise<ChildExit> => within(child.exited, 5_000, what);
  const out = () => readFile(join(dir, 'out'), 'utf8');
  const err = () => readFile(join(dir, 'err'), 'utf8');

  beforeEach(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'child-spawners-')));
  });
  afterEach(async () => {
    pids.splice(0).forEach(killGroup);
    killHard(processesUsing(dir));
    await rm(dir, { recursive: true, force: true });
  }, 10_000);

  /**
   * argv (with an empty argument), the working folder and the environment, which is exactly the
   * one given (nothing inherited, an undefined entry left out) and survives spaces, quotes, `=`,
   * a newline, non-ASCII text and an empty value byte for byte.
   */
  const FOO = ' two  spaces "double" \'single\' $dollar \\backslash\nsecond line\n';
  const env = { PATH, FOO, EQ: 'a=b==c', EMPTY: '', UNI: 'ünïcödé ✓ 日本', UNDEF: undefined };
  const script = [
    `printf '<%s>' "$FOO" "$EQ" "$EMPTY" "\${EMPTY-unset}" "\${UNDEF-unset}" "\${HOME-unset}" "$UNI" "$0" "$1" "$2" "$#"`,
    `printf '<%s>' "$(pwd -P)"`,
  ].join('; ');
  const argvRequest = () => sh(script, { args: ['-c', script, 'zero', 'arg one\n"two" \'three\'', ''], env });
  const expectedArgvOutput = () => `<${FOO}><a=b==c><><><unset><unset><ünïcödé ✓ 日本><zero><arg one\n"two" 'three'><><2><${dir}>`;
  /** Prints the shell's own argv[0]: the first NUL-terminated field of its command line. */
  const argv0Request = () => sh(`tr '\\0' '\\n' < /proc/$$/cmdline | head -n 1`, { argv0: 'my-argv0' });

  it('spawn() runs the program with the given argv, cwd and exact environment', TEST, async () => {
    const child = await start(argvRequest());
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(await err()).toBe('');
    expect(await out()).toBe(expectedArgvOutput());
  });

  it('spawnHeld() then release() runs the program with the given argv, cwd and exact environment', TEST, async () => {
    const child = await hold(argvRequest());
    child.release();
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(await err()).toBe('');
    expect(await out()).toBe(expectedArgvOutput());
  });

  it('spawn() gives the program the requested argv[0]', TEST, async () => {
    const child = await start(argv0Request());
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(await out()).toBe('my-argv0\n');
  });

  /**
   * The zygote execs with any argv[0]. A shell-held child (inline, thread) cannot set it (the
   * shell's `exec` has no such option): a program found on PATH is exec'd by its name, so it keeps
   * that name; a custom argv[0] is replaced by the program's path.
   */
  if (name === 'ZygoteSpawner') {
    it('spawnHeld() then release() gives the program the requested argv[0]', TEST, async () => {
      const child = await hold(argv0Request());
      child.release();
      expect(await exitOf(child)).toEqual({ code: 0, signal: null });
      expect(await out()).toBe('my-argv0\n');
    });
  } else {
    it('spawnHeld() then release() keeps the name of a program found on PATH as its argv[0]', TEST, async () => {
      const path = findProgram('sh', PATH);
      expect(path).toBeDefined();
      const child = await hold({ ...argv0Request(), program: path as string, argv0: 'sh' });
      child.release();
      expect(await exitOf(child)).toEqual({ code: 0, signal: null });
      expect(await out()).toBe('sh\n');
    });
  }

  it('writes stdout and stderr to their own files, created 0600 and appended to', TEST, async () => {
    await writeFile(join(dir, 'out'), 'before\n', { mode: 0o600 });
    const child = await start(sh('echo to-out; echo to-err >&2'));
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(await out()).toBe('before\nto-out\n');
    expect(await err()).toBe('to-err\n');
    expect(await mode(join(dir, 'err'))).toBe(0o600);

    const heldOut = join(dir, 'held-out');
    const heldErr = join(dir, 'held-err');
    const held = await hold(sh('echo held-out; echo held-err >&2', { stdout: heldOut, stderr: heldErr }));
    // Created by the time spawnHeld resolves, before the program runs.
    expect(await mode(heldOut)).toBe(0o600);
    expect(await mode(heldErr)).toBe(0o600);
    held.release();
    expect(await exitOf(held)).toEqual({ code: 0, signal: null });
    expect(await readFile(heldOut, 'utf8')).toBe('held-out\n');
    expect(await readFile(heldErr, 'utf8')).toBe('held-err\n');
  });

  it('spawnCommand() runs the program with the given argv, cwd and exact environment, output appended to its files, in its own session', TEST, async () => {
    const child = track(await spawner.spawnCommand(argvRequest()));
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(await err()).toBe('');
    expect(await out()).toBe(expectedArgvOutput());
    const other = track(await spawner.spawnCommand(sh('echo again; echo e >&2; exit 6')));
    expect(await exitOf(other)).toEqual({ code: 6, signal: null });
    expect(await out()).toBe(`${expectedArgvOutput()}again\n`);
    expect(await err()).toBe('e\n');
    expect(await mode(join(dir, 'out'))).toBe(0o600);
    const session = track(await spawner.spawnCommand(sh('sleep 30')));
    await waitFor(() => procStat(session.pid)?.session === session.pid, 'the command to have its own session', 3_000);
    expect(procStat(session.pid)).toMatchObject({ pgrp: session.pid, session: session.pid, ttyNr: 0 });
    process.kill(-session.pid, 'SIGTERM');
    expect(await exitOf(session)).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('spawnCommand() of a program that does not exist rejects with ENOENT or exits 127', TEST, async () => {
    const missing = join(dir, 'no-such-program');
    const outcome: unknown = await spawner.spawnCommand({ ...sh(''), program: missing, argv0: missing, args: [] }).then(async (child) => (await exitOf(track(child))).code, (e: unknown) => (e as NodeJS.ErrnoException).code);
    // spawn() semantics (inline, thread) or the zygote's: the child learns it at exec
    if (name === 'ZygoteSpawner') expect(outcome).toBe(127);
    else expect(outcome).toBe('ENOENT');
  });

  it('reports the exit code of a spawned and of a released child', TEST, async () => {
    const child = await start(sh('exit 3'));
    expect(await exitOf(child)).toEqual({ code: 3, signal: null });
    const held = await hold(sh('exit 5'));
    held.release();
    expect(await exitOf(held)).toEqual({ code: 5, signal: null });
  });

  /**
   * Every variant reports the signal by name. A spawned child is the program itself. A released
   * held child is the program too: the shell that held it (inline, thread) `exec`s it, and so
   * does the forked zygote. A held child killed before release is that shell (inline, thread) or
   * the forked Perl zygote (zygote), neither of which handles SIGTERM: it dies of the signal.
   */
  it('reports SIGTERM for a child killed through its process group, held or not', TEST, async () => {
    const child = await start(sh('echo ready; sleep 30'));
    await waitFor(async () => (await out()) === 'ready\n', 'the spawned child to start', 3_000);
    process.kill(-child.pid, 'SIGTERM');
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGTERM' });

    const released = await hold(sh('echo released; sleep 30'));
    released.release();
    await waitFor(async () => (await out()).includes('released\n'), 'the released child to start', 3_000);
    process.kill(-released.pid, 'SIGTERM');
    expect(await exitOf(released)).toEqual({ code: null, signal: 'SIGTERM' });

    const waiting = await hold(sh('echo never'));
    process.kill(-waiting.pid, 'SIGTERM'); // at once: its group exists when spawnHeld() resolves
    expect(await exitOf(waiting)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await out()).toBe('ready\nreleased\n');
  });

  it('makes every child the leader of its own session and process group, with no controlling terminal', TEST, async () => {
    const child = await start(sh('sleep 30'));
    const held = await hold(sh('sleep 30'));
    for (const pid of [child.pid, held.pid]) {
      // Right away: a held child has its session before the fork is reported. Its own session
      // also gives it its own scheduling group where the kernel groups tasks by session
      // (autogroup), rather than sharing one with the zygote and every other service.
      expect(procStat(pid)).toMatchObject({ pgrp: pid, session: pid, ttyNr: 0 });
      expect(procStat(pid)?.pgrp).not.toBe(procStat(process.pid)?.pgrp);
    }
    held.release();
    await waitFor(() => comm(held.pid) === 'sleep' || comm(held.pid) === 'sh', 'the released program', 3_000);
    expect(procStat(held.pid)).toMatchObject({ pgrp: held.pid, session: held.pid, ttyNr: 0 });
  });

  it('holds a child without running the program until release(), then runs it with the same pid', TEST, async () => {
    const held = await hold(sh('echo "ran as $$"'));
    expect(held.released).toBe(false);
    // Set up already: alive, in the requested folder, and nothing has run.
    await waitFor(() => {
      try {
        return readlinkSync(`/proc/${held.pid}/cwd`) === dir;
      } catch {
        return false;
      }
    }, 'the held child to enter its folder', 3_000);
    await sleep(300);
    expect(alive(held.pid)).toBe(true);
    expect(await out()).toBe('');
    expect(await err()).toBe('');
    held.release();
    expect(held.released).toBe(true);
    held.release(); // a second release is a no-op
    expect(await exitOf(held)).toEqual({ code: 0, signal: null });
    expect(await out()).toBe(`ran as ${held.pid}\n`);
    expect(await err()).toBe('');
  });

  it('drop() ends a held child with code 0 without running the program', TEST, async () => {
    const held = await hold(sh('echo ran; exit 7'));
    await sleep(100);
    held.drop();
    expect(await exitOf(held)).toEqual({ code: 0, signal: null });
    expect(held.released).toBe(false);
    expect(await out()).toBe('');
    expect(await err()).toBe('');
    held.release(); // too late: nothing happens
    await sleep(100);
    expect(await out()).toBe('');
  });

  it('creates the touch file, empty and 0600, by the time spawnHeld() resolves', TEST, async () => {
    const index = join(dir, 'index');
    const held = await hold(sh('true', { touch: [index] }));
    expect(await readFile(index, 'utf8')).toBe('');
    expect(await mode(index)).toBe(0o600);
    held.drop();
    await exitOf(held);
  });

  it('creates every touch file, empty and 0600, by the time spawnHeld() resolves', TEST, async () => {
    const files = [join(dir, 'a.log'), join(dir, 'b.log'), join(dir, 'c.log')];
    const held = await hold(sh('true', { touch: files }));
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).size).toBe(0);
      expect(await mode(file)).toBe(0o600);
    }
    held.drop();
    await exitOf(held);
  });

  it('rejects spawn() of a program that does not exist with ENOENT', TEST, async () => {
    const missing = join(dir, 'no-such-program');
    const error: unknown = await spawner.spawn({ ...sh(''), program: missing, argv0: missing, args: [] }).then(track, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('makes a released held child whose program does not exist exit 127, saying why on stderr', TEST, async () => {
    const missing = join(dir, 'no-such-program');
    const held = await hold({ ...sh(''), program: missing, argv0: 'no-such-program', args: [] });
    held.release();
    expect(await exitOf(held)).toEqual({ code: 127, signal: null });
    expect(await out()).toBe('');
    expect(await err()).toContain('no-such-program');
  });

  /**
   * spawn() rejects with ENOENT everywhere (the zygote's spawn() is its inline fallback). A held
   * child from the shell spawners is rejected the same way; the zygote's forks first and learns
   * it only when the child's chdir() fails: it then exits 127, saying why on its stderr.
   */
  it('does not run a child from a missing working folder', TEST, async () => {
    const cwd = join(dir, 'missing');
    const spawned: unknown = await spawner.spawn(sh('echo ran', { cwd })).then(track, (e: unknown) => e);
    expect(spawned).toBeInstanceOf(Error);
    expect((spawned as NodeJS.ErrnoException).code).toBe('ENOENT');
    if (name === 'ZygoteSpawner') {
      const held = await hold(sh('echo ran', { cwd }));
      held.release();
      expect(await exitOf(held)).toEqual({ code: 127, signal: null });
      expect(await err()).toContain(`cannot enter ${cwd}`);
    } else {
      const held: unknown = await spawner.spawnHeld(sh('echo ran', { cwd })).then(track, (e: unknown) => e);
      expect(held).toBeInstanceOf(Error);
      expect((held as NodeJS.ErrnoException).code).toBe('ENOENT');
    }
    expect(await out().catch(() => '')).toBe('');
  });

  if (name === 'ZygoteSpawner') {
    it('forks held children from a Perl zygote, not from this process', TEST, async () => {
      const held = await hold(sh('true'));
      const parent = procStat(held.pid)?.ppid ?? 0;
      expect(parent).not.toBe(process.pid);
      expect(comm(parent)).toBe('perl');
      expect(procStat(parent)?.ppid).toBe(process.pid);
      held.drop();
      expect(await exitOf(held)).toEqual({ code: 0, signal: null });
    });

    it('forks commands (spawnCommand) from the Perl zygote too, not from this process', TEST, async () => {
      const child = track(await spawner.spawnCommand(sh('sleep 30')));
      const parent = procStat(child.pid)?.ppid ?? 0;
      expect(parent).not.toBe(process.pid);
      expect(comm(parent)).toBe('perl');
      // The zygote reports the fork before the child has made its session (commands are not held):
      // its process group may not exist for an instant (command-runner.ts then signals the pid).
      await waitFor(() => procStat(child.pid)?.session === child.pid, 'the command to have its own session', 3_000);
      process.kill(-child.pid, 'SIGKILL');
      expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
    });

    it('gives each held child exactly its environment, one after another', TEST, async () => {
      const envs: Record<string, string>[] = [
        { PATH, X: '1', Y: 'y' },
        { PATH, X: '2' }, // Y gone, X changed
        { PATH, X: '1', Y: 'y', Z: 'new' }, // added back, and one more
        { PATH: '/usr/bin:/bin', Q: 'q=1 2' }, // nearly nothing in common
        { PATH, X: '1', Y: 'y' },
      ];
      const held: HeldChild[] = [];
      for (const [i, env] of envs.entries()) held.push(await hold(sh(`env | grep -E '^(PATH|X|Y|Z|Q)=' | sort | tr '\\n' ';'`, { env, stdout: join(dir, `env${i}`) })));
      for (const child of held) child.release();
      for (const child of held) expect(await exitOf(child)).toEqual({ code: 0, signal: null });
      for (const [i, env] of envs.entries()) {
        const expected = Object.entries(env).filter(([k]) => /^(PATH|X|Y|Z|Q)$/.test(k)).map(([k, v]) => `${k}=${v}`).sort().join(';');
        expect(await readFile(join(dir, `env${i}`), 'utf8')).toBe(`${expected};`);
      }
    });

    it('survives releasing children that died before their release (no SIGPIPE for the zygote)', TEST, async () => {
      const first = await hold(sh('true'));
      const zygote = procStat(first.pid)?.ppid ?? 0;
      first.drop();
      await exitOf(first);
      // Each of these exits at once (its working folder is missing), racing its release.
      const doomed: HeldChild[] = [];
      for (let i = 0; i < 40; i++) {
        const child = await hold(sh('echo never', { cwd: join(dir, 'missing') }));
        child.release();
        doomed.push(child);
      }
      for (const child of doomed) expect(await exitOf(child)).toEqual({ code: 127, signal: null });
      expect(alive(zygote)).toBe(true);
      const after = await hold(sh('echo fine'));
      expect(procStat(after.pid)?.ppid).toBe(zygote);
      after.release();
      expect(await exitOf(after)).toEqual({ code: 0, signal: null });
      // The zygote ignores SIGPIPE; the programs it runs do not inherit that.
      const program = await hold({ ...sh(''), program: '/bin/sleep', argv0: 'sleep', args: ['5'] });
      program.release();
      await waitFor(() => comm(program.pid) === 'sleep', 'the program to run', 3_000);
      const ignored = BigInt(`0x${/^SigIgn:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${program.pid}/status`, 'utf8'))?.[1] ?? '0'}`);
      expect(ignored & (1n << 12n)).toBe(0n); // bit 12 is SIGPIPE (13)
      process.kill(-program.pid, 'SIGKILL');
      await exitOf(program);
    });

    it('releases a held child straight through its pipe: a zygote that is busy (stopped here) does not delay it', TEST, async () => {
      const own = new ZygoteSpawner(inlineSpawner); // not the shared one: this test stops its zygote
      const held = track(await own.spawnHeld(sh('echo ran', { stdout: join(dir, 'direct-out') })));
      const dropped = track(await own.spawnHeld(sh('echo never', { stdout: join(dir, 'dropped-out') })));
      const zygote = procStat(held.pid)?.ppid ?? 0;
      expect(comm(zygote)).toBe('perl');
      process.kill(zygote, 'SIGSTOP');
      try {
        held.release();
        await waitFor(async () => (await readFile(join(dir, 'direct-out'), 'utf8')) === 'ran\n', 'the released child to run while its zygote is stopped', 3_000);
        dropped.drop(); // this process's end of its pipe is closed; the zygote's end closes once it reads the message
      } finally {
        process.kill(zygote, 'SIGCONT');
      }
      expect(await exitOf(held)).toEqual({ code: 0, signal: null });
      expect(await exitOf(dropped)).toEqual({ code: 0, signal: null });
      expect(await readFile(join(dir, 'dropped-out'), 'utf8')).toBe('');
      process.kill(zygote, 'SIGKILL');
    });

    it('has the zygote close its end of the pipe of each held child once this process holds its own, a burst at a time: it keeps none of them while they wait', TEST, async () => {
      const own = new ZygoteSpawner(inlineSpawner);
      const pipesOf = (pid: number): number => readdirSync(`/proc/${pid}/fd`).filter((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('pipe:'); } catch { return false; } }).length;
      // The zygote's own pipes (its stdin, stdout and wake-up pipe), with no held child.
      const first = track(await own.spawnHeld(sh('')));
      const zygote = procStat(first.pid)?.ppid ?? 0;
      first.drop();
      await exitOf(first);
      await waitFor(() => pipesOf(zygote) <= 4, 'the zygote to hold its own pipes only', 3_000);
      const base = pipesOf(zygote);
      const held: HeldChild[] = [];
      for (let i = 0; i < 20; i++) held.push(track(await own.spawnHeld({ ...sh(''), program: '/bin/sleep', argv0: 'sleep', args: ['30'] })));
      // Every fork copies the zygote's descriptors, and every child closes them one by one: with
      // the pipes of 2,000 waiting children kept, a fork cost thousands of system calls.
      await waitFor(() => pipesOf(zygote) === base, 'the zygote to close the pipes of its waiting children', 3_000);
      expect(held.every((child) => comm(child.pid) === 'perl')).toBe(true); // still waiting, on this process's end
      const dropped = held.pop() as HeldChild;
      dropped.drop();
      expect(await exitOf(dropped)).toEqual({ code: 0, signal: null });
      for (const child of held) child.release();
      await waitFor(() => held.every((child) => comm(child.pid) === 'sleep'), 'the programs to run', 3_000);
      for (const child of held) process.kill(-child.pid, 'SIGKILL');
      for (const child of held) expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
      expect(pipesOf(zygote)).toBe(base);
      process.kill(zygote, 'SIGKILL');
    });

    it('rejects a request holding a NUL character with a TypeError, and forks nothing', TEST, async () => {
      const touch = [join(dir, 'index')];
      await expect(spawner.spawnHeld(sh('echo "$1"', { args: ['-c', 'echo "$1"', 'x', 'a\0b'], touch })).then(track)).rejects.toBeInstanceOf(TypeError);
      await expect(spawner.spawnHeld(sh('true', { env: { PATH, BAD: 'a\0b' }, touch })).then(track)).rejects.toBeInstanceOf(TypeError);
      await expect(spawner.spawnHeld(sh('true', { cwd: `${dir}\0x`, touch })).then(track)).rejects.toBeInstanceOf(TypeError);
      expect(existsSync(touch[0] ?? '')).toBe(false);
      expect(existsSync(join(dir, 'out'))).toBe(false);
      // The zygote still serves requests afterwards.
      const held = await hold(sh('echo fine'));
      held.release();
      expect(await exitOf(held)).toEqual({ code: 0, signal: null });
      expect(await out()).toBe('fine\n');
    });

    it('when the zygote dies: waiting children end, running ones keep running, exits come from polling, new held spawns fall back', TEST, async () => {
      const own = new ZygoteSpawner(inlineSpawner); // not the shared one: this test kills its zygote
      const waiting = await hold(sh('echo never'));
      const waitingHere = track(await own.spawnHeld(sh('echo never', { stdout: join(dir, 'w-out') })));
      const running = track(await own.spawnHeld(sh('echo running; sleep 30', { stdout: join(dir, 'r-out') })));
      running.release();
      await waitFor(async () => (await readFile(join(dir, 'r-out'), 'utf8')) === 'running\n', 'the released child to run', 3_000);
      const zygote = procStat(running.pid)?.ppid ?? 0;
      expect(comm(zygote)).toBe('perl');
      expect(procStat(waitingHere.pid)?.ppid).toBe(zygote);
      process.kill(zygote, 'SIGKILL');
      // Its waiting child reads end of file and exits, unrun; the exit code is unknown (polled).
      expect(await exitOf(waitingHere, 'the waiting child to end')).toEqual({ code: null, signal: null });
      expect(await readFile(join(dir, 'w-out'), 'utf8')).toBe('');
      // The released one runs on, until killed; then its end is seen by polling too.
      expect(alive(running.pid)).toBe(true);
      process.kill(-running.pid, 'SIGKILL');
      expect(await exitOf(running, 'the running child to end')).toEqual({ code: null, signal: null });
      // Later held spawns go to the fallback (forked by this process), and still work.
      const fallback = track(await own.spawnHeld(sh('echo "fallback $$"', { stdout: join(dir, 'f-out') })));
      expect(procStat(fallback.pid)?.ppid).toBe(process.pid);
      fallback.release();
      expect(await exitOf(fallback)).toEqual({ code: 0, signal: null });
      expect(await readFile(join(dir, 'f-out'), 'utf8')).toBe(`fallback ${fallback.pid}\n`);
      // The shared spawner's zygote is another process, unharmed.
      expect(alive(waiting.pid)).toBe(true);
      waiting.drop();
      expect(await exitOf(waiting)).toEqual({ code: 0, signal: null });
    });

    it('forks 30 held children concurrently, each with its own pid, and runs them all on release', TEST, async () => {
      const count = 30;
      const held = await within(
        Promise.all(Array.from({ length: count }, (_, i) => hold(sh('echo "$$"', { stdout: join(dir, `out-${i}`), stderr: join(dir, `err-${i}`) })))),
        5_000,
        '30 held children',
      );
      expect(new Set(held.map((c) => c.pid)).size).toBe(count);
      for (const child of held) expect(alive(child.pid)).toBe(true);
      held.forEach((child) => child.release());
      const exits = await within(Promise.all(held.map((child) => child.exited)), 5_000, '30 released children to exit');
      expect(exits).toEqual(Array.from({ length: count }, () => ({ code: 0, signal: null })));
      for (const [i, child] of held.entries()) expect(await readFile(join(dir, `out-${i}`), 'utf8')).toBe(`${child.pid}\n`);
    });
  }
});

/**
 * A separate Node process that creates one held child with the spawner named on its command
 * line, prints its pid, and then has nothing left to do: it must exit by itself (a held child
 * never keeps its owner alive), and the held child must then end without running its program.
 */
const OWNER_SCRIPT = `
const [childSpawnerUrl, zygoteUrl, kind, dir] = process.argv.slice(2);
const { inlineSpawner, ThreadSpawner } = await import(childSpawnerUrl);
const { ZygoteSpawner } = await import(zygoteUrl);
const spawner = kind === 'zygote' ? new ZygoteSpawner(inlineSpawner) : kind === 'thread' ? new ThreadSpawner() : inlineSpawner;
// The zygote and the spawner thread are unref'd, and so is the wait for their answer: without a
// ref'd handle this process would end with an unsettled top-level await (exit code 13) before
// spawnHeld() resolves. The process runtime holds one the same way (keep-alive.ts).
const keepAlive = setInterval(() => undefined, 1 << 30);
const child = await spawner.spawnHeld({
  program: '/bin/sh', argv0: 'sh', args: ['-c', 'echo ran'], cwd: dir, env: { PATH: process.env.PATH },
  stdout: dir + '/out', stderr: dir + '/err', touch: [dir + '/index'],
});
process.stdout.write(child.pid + '\\n');
clearInterval(keepAlive);
`;

describe.each(['zygote', 'thread', 'inline'])('a %s-held child whose owner process dies', (kind) => {
  let dir: string;
  const pids: number[] = [];

  beforeEach(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'held-owner-')));
  });
  afterEach(async () => {
    killHard(pids.splice(0));
    await rm(dir, { recursive: true, force: true });
  }, 10_000);

  it('ends without running its program, and does not keep the owner alive', TEST, async () => {
    const script = join(dir, 'owner.mjs');
    await writeFile(script, OWNER_SCRIPT);
    const owner = spawn(process.execPath, ['--import', 'tsx', script, pathToFileURL(childSpawnerModule).href, pathToFileURL(zygoteModule).href, kind, dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (owner.pid) pids.push(owner.pid);
    let stderr = '';
    owner.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => owner.once('exit', (code) => resolve(code)));
    const pidLine = new Promise<string>((resolve) => createInterface({ input: owner.stdout! }).once('line', resolve));
    const line = await within(Promise.race([pidLine, exited.then(() => pidLine)]), 5_000, 'the owner to print the held pid').catch((error: unknown) => {
      throw new Error(`${String(error)}; owner stderr: ${stderr}`);
    });
    const pid = Number(line);
    expect(Number.isInteger(pid) && pid > 1).toBe(true);
    pids.push(pid);
    expect(await within(exited, 3_000, 'the owner to exit by itself (a held child must not keep it alive)')).toBe(0);
    await waitFor(() => !alive(pid), `held child ${pid} to end after its owner died`, 3_000);
    expect(await readFile(join(dir, 'out'), 'utf8')).toBe('');
    expect(await readFile(join(dir, 'index'), 'utf8')).toBe('');
  });
});
