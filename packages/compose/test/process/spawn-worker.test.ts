/**
 * spawn-worker.cjs on its own: valid JavaScript, and run as the ThreadSpawner runs it (a worker
 * thread evaluating the file's text), spoken to with the messages described at its top (no
 * ThreadSpawner in between): spawns with output to files, held children released or dropped,
 * exits and spawn errors reported.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helperSource } from '../../src/adapters/process/spawn/helper-source.js';
import { killGroup, within } from './support.js';

const PATH = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
const file = fileURLToPath(new URL('../../src/adapters/process/spawn/spawn-worker.cjs', import.meta.url));
const TEST = { timeout: 10_000 } as const;

interface Message {
  readonly id: number;
  readonly kind: 'spawned' | 'error' | 'exit';
  readonly pid?: number;
  readonly code?: number | null;
  readonly signal?: string | null;
  readonly error?: { readonly message: string; readonly code?: string };
}

describe('spawn-worker.cjs', () => {
  it('is valid JavaScript (node --check)', () => {
    const result = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is what the runtime reads', () => {
    expect(helperSource('spawn-worker.cjs')).toBe(readFileSync(file, 'utf8'));
  });
});

describe('the spawner thread', () => {
  let dir: string;
  let worker: Worker;
  const messages: Message[] = [];
  let wake: (() => void) | undefined;
  const pids: number[] = [];

  beforeEach(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'spawn-worker-')));
    worker = new Worker(helperSource('spawn-worker.cjs') as string, { eval: true, env: {}, stdout: false, stderr: false });
    worker.on('message', (message: Message) => {
      messages.push(message);
      wake?.();
    });
  });
  afterEach(async () => {
    pids.splice(0).forEach(killGroup);
    messages.length = 0;
    await worker.terminate();
    await rm(dir, { recursive: true, force: true });
  });

  /** The next message about request `id` of kind `kind`. */
  const next = (id: number, kind: Message['kind']): Promise<Message> => within((async () => {
    for (;;) {
      const index = messages.findIndex((m) => m.id === id && m.kind === kind);
      if (index >= 0) return messages.splice(index, 1)[0] as Message;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  })(), 5_000, `${kind} for request ${id}`);

  /** Asks for `/bin/sh -c script` in `dir`, output to `dir/<name>.out|err`; gives the spawned pid. */
  const spawnSh = async (id: number, script: string, options: { hold?: boolean; name?: string; touch?: string[] } = {}): Promise<number> => {
    const name = options.name ?? 'c';
    worker.postMessage({ kind: 'spawn', id, hold: options.hold ?? false, program: '/bin/sh', argv0: 'my-sh', args: ['-c', script, 'zero'], cwd: dir, env: { PATH, FOO: 'a b' }, stdout: join(dir, `${name}.out`), stderr: join(dir, `${name}.err`), touch: options.touch });
    const spawned = await next(id, 'spawned');
    pids.push(spawned.pid as number);
    return spawned.pid as number;
  };
  const out = (name = 'c') => readFile(join(dir, `${name}.out`), 'utf8');

  it('spawns a detached child with the given argv, folder and environment, output to 0600 files it creates, and reports its exit', TEST, async () => {
    const index = join(dir, 'c.log');
    const pid = await spawnSh(1, 'echo "$$ $0 [$FOO] $(pwd -P)"; echo oops >&2; exit 4', { touch: [index] });
    expect(await next(1, 'exit')).toMatchObject({ code: 4, signal: null });
    expect(await out()).toBe(`${pid} zero [a b] ${dir}\n`);
    expect(await readFile(join(dir, 'c.err'), 'utf8')).toBe('oops\n');
    for (const path of [join(dir, 'c.out'), join(dir, 'c.err'), index]) expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reports a child killed by a signal', TEST, async () => {
    await spawnSh(1, 'kill -TERM $$');
    expect(await next(1, 'exit')).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('holds a child on a pipe: release writes a line and closes it, drop only closes it', TEST, async () => {
    const script = 'if read -r _; then echo released; else echo dropped; fi';
    await spawnSh(1, script, { hold: true, name: 'a' });
    await spawnSh(2, script, { hold: true, name: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await out('a')).toBe('');
    worker.postMessage({ kind: 'release', id: 1 });
    worker.postMessage({ kind: 'drop', id: 2 });
    expect(await next(1, 'exit')).toMatchObject({ code: 0 });
    expect(await next(2, 'exit')).toMatchObject({ code: 0 });
    expect(await out('a')).toBe('released\n');
    expect(await out('b')).toBe('dropped\n');
    worker.postMessage({ kind: 'release', id: 2 }); // too late: nothing happens
  });

  it('reports a spawn that fails (a missing program, a missing output folder) as an error with its code', TEST, async () => {
    worker.postMessage({ kind: 'spawn', id: 1, hold: false, program: join(dir, 'no-such-program'), argv0: 'x', args: [], cwd: dir, env: { PATH }, stdout: join(dir, 'c.out'), stderr: join(dir, 'c.err') });
    expect((await next(1, 'error')).error).toMatchObject({ code: 'ENOENT' });
    worker.postMessage({ kind: 'spawn', id: 2, hold: false, program: '/bin/sh', argv0: 'sh', args: ['-c', 'true'], cwd: dir, env: { PATH }, stdout: join(dir, 'missing', 'c.out'), stderr: join(dir, 'c.err') });
    const error = (await next(2, 'error')).error;
    expect(error).toMatchObject({ code: 'ENOENT' });
    expect(error?.message).toContain('missing');
  });
});
