/**
 * zygote.pl on its own: valid Perl, and the protocol described at its top spoken to it directly
 * (no ZygoteSpawner in between): held children forked, set up and waiting; released (through the
 * zygote or straight through their pipe) or dropped; exits reported; framing across writes; the
 * end of its stdin ends it and its waiting children.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, constants as fsConstants, existsSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile as writeFileAsync } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helperSource } from '../../src/adapters/process/spawn/helper-source.js';
import { findProgram } from '../../src/adapters/process/spawn/program-path.js';
import { alive, killGroup, waitFor, within } from './support.js';

const PATH = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
const perl = findProgram('perl', PATH) ?? 'perl';
const file = fileURLToPath(new URL('../../src/adapters/process/spawn/zygote.pl', import.meta.url));
const TEST = { timeout: 10_000 } as const;

/** A zygote process run as the runtime runs it (`perl -e <zygote.pl>`), with a line reader on its stdout. */
class Zygote {
  readonly process: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;

  constructor() {
    const source = helperSource('zygote.pl');
    if (source === undefined) throw new Error('zygote.pl cannot be read');
    this.process = spawn(perl, ['-e', source], { env: {}, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.wake?.();
    });
  }

  /** Writes raw bytes to its stdin. */
  write(text: string): void {
    this.process.stdin.write(text);
  }

  /** One framed message: byte length, newline, fields joined by NUL. */
  send(...fields: string[]): void {
    this.write(frame(fields));
  }

  /** The next line it writes, split at spaces. */
  async next(what: string): Promise<string[]> {
    const read = async () => {
      while (this.lines.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      return (this.lines.shift() as string).split(' ');
    };
    return within(read(), 5_000, what);
  }
}

const frame = (fields: readonly string[]): string => {
  const message = fields.join('\0');
  return `${Buffer.byteLength(message)}\n${message}`;
};

/** Fields of `/proc/<pid>/stat` a test looks at. */
function procStat(pid: number): { pgrp: number; session: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pgrp: Number(fields[2]), session: Number(fields[3]) };
  } catch {
    return undefined;
  }
}

describe('zygote.pl', () => {
  it('is valid Perl (perl -c)', () => {
    const result = spawnSync(perl, ['-c', file], { encoding: 'utf8' });
    expect(result.stderr).toContain('syntax OK');
    expect(result.status).toBe(0);
  });

  it('is what the runtime reads', () => {
    expect(helperSource('zygote.pl')).toBe(readFileSync(file, 'utf8'));
  });
});

describe('the zygote protocol', () => {
  let dir: string;
  let zygote: Zygote;
  const pids: number[] = [];

  beforeEach(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'zygote-protocol-')));
    zygote = new Zygote();
  });
  afterEach(async () => {
    pids.splice(0).forEach(killGroup);
    zygote.process.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  /** `H`: a held child of `/bin/sh -c script`, output to `dir/<name>.out|err`; gives its pid and the zygote's fd of its pipe. */
  const hold = async (id: number, script: string, options: { cwd?: string; name?: string; touch?: string[]; env?: string[]; argv0?: string } = {}) => {
    const name = options.name ?? 'c';
    const touch = options.touch ?? [];
    const args = ['-c', script, 'zero', 'one two'];
    zygote.send('H', String(id), options.cwd ?? dir, join(dir, `${name}.out`), join(dir, `${name}.err`), '/bin/sh', options.argv0 ?? 'sh', String(touch.length), ...touch, String(args.length), ...args, ...(options.env ?? [`PATH=${PATH}`]));
    const [kind, gotId, pid, fd] = await zygote.next(`S ${id}`);
    expect([kind, gotId]).toEqual(['S', String(id)]);
    pids.push(Number(pid));
    return { pid: Number(pid), fd: Number(fd) };
  };
  const out = (name = 'c') => readFile(join(dir, `${name}.out`), 'utf8');
  const err = (name = 'c') => readFile(join(dir, `${name}.err`), 'utf8');

  it('H forks a child set up and waiting: its own session, its folder, its output and touch files; R runs the program (same pid, given argv and environment) and X reports the exit', TEST, async () => {
    const index = join(dir, 'c.log');
    const { pid, fd } = await hold(1, 'echo "$$ $0 $1 [$FOO] $(pwd -P)"; exit 3', { touch: [index], env: [`PATH=${PATH}`, 'FOO=a=b c'], argv0: 'my-sh' });
    expect(fd).toBeGreaterThan(2);
    // Set up before S was written: files there (0600), session and group its own, nothing run.
    for (const path of [join(dir, 'c.out'), join(dir, 'c.err'), index]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(procStat(pid)).toEqual({ pgrp: pid, session: pid });
    await waitFor(() => readlinkSync(`/proc/${pid}/cwd`) === dir, 'the held child to enter its folder', 3_000);
    expect(await out()).toBe('');
    zygote.send('R', '1');
    expect(await zygote.next('X 1')).toEqual(['X', '1', '3', '0']);
    expect(await out()).toBe(`${pid} zero one two [a=b c] ${dir}\n`);
    expect(await err()).toBe('');
  });

  /** `P`: a command of `/bin/sh -c script` run at once, output to `dir/<name>.out|err`; gives its pid. */
  const run = async (id: number, script: string, options: { cwd?: string; name?: string; env?: string[]; program?: string } = {}) => {
    const name = options.name ?? 'c';
    const args = ['-c', script, 'zero', 'one two'];
    zygote.send('P', String(id), options.cwd ?? dir, join(dir, `${name}.out`), join(dir, `${name}.err`), options.program ?? '/bin/sh', 'my-sh', String(args.length), ...args, ...(options.env ?? [`PATH=${PATH}`]));
    const [kind, gotId, pid] = await zygote.next(`P ${id}`);
    expect([kind, gotId]).toEqual(['P', String(id)]);
    pids.push(Number(pid));
    return Number(pid);
  };

  it('P runs a command at once (given argv, folder and environment; stdout and stderr appended to their files, 0600; its own session) and X reports its exit', TEST, async () => {
    await writeFileAsync(join(dir, 'c.out'), 'before\n', { mode: 0o600 });
    const pid = await run(1, 'echo "$$ $0 $1 [$FOO] $(pwd -P) $(ps -o sid= -p $$ | tr -d " ")"; echo oops >&2; exit 4', { env: [`PATH=${PATH}`, 'FOO=a=b c'] });
    expect(await zygote.next('X 1')).toEqual(['X', '1', '4', '0']);
    expect(await out()).toBe(`before\n${pid} zero one two [a=b c] ${dir} ${pid}\n`);
    expect(await err()).toBe('oops\n');
    expect(statSync(join(dir, 'c.err')).mode & 0o777).toBe(0o600);
  });

  it('P of a program that cannot run, or in a folder that is missing, exits 127 saying why on its stderr', TEST, async () => {
    await run(1, 'echo ran', { program: join(dir, 'no-such-program') });
    expect(await zygote.next('X 1')).toEqual(['X', '1', '127', '0']);
    expect(await err()).toContain('cannot run');
    const missing = join(dir, 'missing');
    await run(2, 'echo ran', { cwd: missing, name: 'd' });
    expect(await zygote.next('X 2')).toEqual(['X', '2', '127', '0']);
    expect(await err('d')).toContain(`cannot enter ${missing}`);
    expect(await out('d')).toBe('');
  });

  it('P finds a program by name on the PATH it is given', TEST, async () => {
    zygote.send('P', '1', dir, join(dir, 'c.out'), join(dir, 'c.err'), 'sh', 'sh', '2', '-c', 'echo found', `PATH=${PATH}`);
    expect((await zygote.next('P 1'))[0]).toBe('P');
    expect(await zygote.next('X 1')).toEqual(['X', '1', '0', '0']);
    expect(await out()).toBe('found\n');
    zygote.send('P', '2', dir, join(dir, 'd.out'), join(dir, 'd.err'), 'sh', 'sh', '2', '-c', 'echo found', 'PATH=/nonexistent');
    expect((await zygote.next('P 2'))[0]).toBe('P');
    expect(await zygote.next('X 2')).toEqual(['X', '2', '127', '0']);
  });

  it('D drops a held child: it exits 0 without running anything', TEST, async () => {
    await hold(1, 'echo ran');
    zygote.send('D', '1');
    expect(await zygote.next('X 1')).toEqual(['X', '1', '0', '0']);
    expect(await out()).toBe('');
  });

  it('reports a child killed by a signal as code -1 and the signal number', TEST, async () => {
    const { pid } = await hold(1, 'echo up; exec sleep 30');
    zygote.send('R', '1');
    await waitFor(async () => (await out()) === 'up\n', 'the program to run', 3_000);
    process.kill(-pid, 'SIGTERM');
    expect(await zygote.next('X 1')).toEqual(['X', '1', '-1', '15']);
  });

  it('makes a child that cannot enter its folder exit 127 when released, saying why on its stderr', TEST, async () => {
    const missing = join(dir, 'missing');
    await hold(1, 'echo ran', { cwd: missing });
    zygote.send('R', '1');
    expect(await zygote.next('X 1')).toEqual(['X', '1', '127', '0']);
    expect(await err()).toContain(`cannot enter ${missing}`);
    expect(await out()).toBe('');
  });

  it('lets the owner release a child straight through its pipe (/proc/<zygote>/fd/<fd>); C then has the zygote close its end', TEST, async () => {
    const { pid, fd } = await hold(1, 'echo released; exec sleep 30');
    const zygotePid = zygote.process.pid as number;
    const end = `/proc/${zygotePid}/fd/${fd}`;
    const pipe = readlinkSync(end);
    expect(pipe).toMatch(/^pipe:/);
    const control = openSync(end, 'w');
    writeSync(control, 'g');
    closeSync(control);
    await waitFor(async () => (await out()) === 'released\n', 'the released program to run', 3_000);
    expect(readlinkSync(end)).toBe(pipe); // the zygote keeps its end until told
    zygote.send('C', '1');
    await waitFor(() => {
      try {
        return readlinkSync(end) !== pipe;
      } catch {
        return true;
      }
    }, 'the zygote to close its end', 3_000);
    expect(alive(pid)).toBe(true);
    process.kill(-pid, 'SIGKILL');
    expect(await zygote.next('X 1')).toEqual(['X', '1', '-1', '9']);
  });

  it('reads messages however the writes cut them: two in one write, one over several', TEST, async () => {
    const [a, b] = [frame(['H', '1', dir, join(dir, 'a.out'), join(dir, 'a.err'), '/bin/sh', 'sh', '0', '2', '-c', 'echo a', `PATH=${PATH}`]), frame(['H', '2', dir, join(dir, 'b.out'), join(dir, 'b.err'), '/bin/sh', 'sh', '0', '2', '-c', 'echo b', `PATH=${PATH}`])];
    zygote.write(a + b);
    const first = await zygote.next('S 1');
    const second = await zygote.next('S 2');
    pids.push(Number(first[2]), Number(second[2]));
    expect([first[0], first[1], second[0], second[1]]).toEqual(['S', '1', 'S', '2']);
    const release = frame(['R', '1']) + frame(['R', '2']);
    zygote.write(release.slice(0, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    zygote.write(release.slice(1, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    zygote.write(release.slice(5));
    const exits = [await zygote.next('an exit'), await zygote.next('another exit')].map((x) => x.join(' ')).sort();
    expect(exits).toEqual(['X 1 0 0', 'X 2 0 0']);
    expect(await out('a')).toBe('a\n');
    expect(await out('b')).toBe('b\n');
  });

  it('sets the children of a burst up side by side and reports them a group of 16 at a time: one slow to create its files (a FIFO here) holds back the forks of neither its group nor the zygote', TEST, async () => {
    const fifo = join(dir, 'slow.fifo');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status, 'mkfifo (coreutils) must be installed').toBe(0);
    const burst = Array.from({ length: 20 }, (_, k) => {
      const id = k + 1;
      const touch = id === 1 ? [fifo] : []; // opening a FIFO to write waits for a reader
      return frame(['H', String(id), dir, join(dir, `${id}.out`), join(dir, `${id}.err`), '/bin/sh', 'sh', String(touch.length), ...touch, '2', '-c', 'echo ran', `PATH=${PATH}`]);
    });
    zygote.write(burst.join(''));
    // Child 1 waits on the FIFO; the rest of its group is forked and sets itself up meanwhile
    // (the files are made by each child, not by the zygote one after another).
    const group = Array.from({ length: 15 }, (_, k) => join(dir, `${k + 2}.out`));
    await waitFor(() => group.every((path) => existsSync(path)), 'children 2 to 16 to create their files while child 1 waits', 5_000);
    // The zygote reports the group before it forks more, so it waits for child 1 now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([17, 18, 19, 20].filter((id) => existsSync(join(dir, `${id}.out`)))).toEqual([]);
    const reader = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      for (let id = 1; id <= 20; id++) {
        const [kind, gotId, pid] = await zygote.next(`S ${id}`);
        pids.push(Number(pid));
        expect([kind, gotId]).toEqual(['S', String(id)]);
        expect(existsSync(join(dir, `${id}.out`)) && existsSync(join(dir, `${id}.err`))).toBe(true); // made before S
      }
    } finally {
      closeSync(reader);
    }
  });

  it('ends when its stdin closes; its waiting children then end without running', TEST, async () => {
    const { pid } = await hold(1, 'echo ran');
    const exited = new Promise<number | null>((resolve) => zygote.process.once('exit', (code) => resolve(code)));
    zygote.process.stdin.end();
    expect(await within(exited, 5_000, 'the zygote to exit')).toBe(0);
    await waitFor(() => !alive(pid), 'the waiting child to end', 3_000);
    expect(await out()).toBe('');
    expect(existsSync(join(dir, 'c.out'))).toBe(true);
  });
});
