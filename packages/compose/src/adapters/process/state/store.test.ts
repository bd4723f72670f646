import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStateFileError } from '../../../errors/state-file-error.js';
import { MAX_BATCH, StateStore } from './store.js';

/** One line of the journal as JSON, without its checksum. */
function unseal(line: string): Record<string, Record<string, unknown>> {
  const { crc: _crc, ...rest } = JSON.parse(line) as Record<string, Record<string, unknown>>;
  return rest;
}

/** `text` (lines of JSON, sealed or not) with every line sealed anew, as a writer does. */
function reseal(text: string): string {
  return text.split('\n').map((line) => {
    if (line === '') return line;
    const body = line.replace(/,"crc":"[0-9a-f]{8}"\}$/, '}').slice(0, -1);
    return `${body},"crc":"${crc32(body).toString(16).padStart(8, '0')}"}`;
  }).join('\n');
}

/** The state a journal file holds: its snapshot line with every line of changes applied. */
function replay(text: string): Record<string, Record<string, unknown>> {
  const [snapshot = '', ...changes] = text.split('\n').filter((line) => line !== '');
  const state = unseal(snapshot);
  for (const line of changes) {
    for (const [key, delta] of Object.entries(unseal(line))) {
      const map = { ...state[key] };
      for (const [id, value] of Object.entries(delta)) {
        if (value === null) delete map[id];
        else map[id] = value;
      }
      state[key] = map;
    }
  }
  return state;
}

/** Collects the process warnings emitted until `stop()`. */
function captureWarnings(): { readonly messages: string[]; stop(): void } {
  const messages: string[] = [];
  const listener = (warning: Error) => void messages.push(warning.message);
  process.on('warning', listener);
  return { messages, stop: () => void process.off('warning', listener) };
}

describe('StateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const resource = (name: string) => ({ id: name, name, runtimeName: name, labels: {}, createdAt: new Date(0).toISOString() });

  it('loses no update when many run at once through separate store objects', async () => {
    const a = new StateStore(dir);
    const b = new StateStore(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update('proj', (state) => {
      state.networks[`n${i}`] = resource(`n${i}`);
    })));
    expect(Object.keys((await a.read('proj')).networks)).toHaveLength(40);
    expect((await readdir(join(dir, 'projects'))).sort()).toEqual(['proj.json']); // no temp or lock file left
  });

  it('settles the first changes of a burst once a bounded batch is written, however large the burst (counts changes applied)', async () => {
    for (const n of [50, 400, 2_000]) {
      const store = new StateStore(dir);
      let applied = 0;
      let appliedWhenFirstSettled = -1;
      const updates = Array.from({ length: n }, (_, i) => store.update(`burst${n}`, (s) => {
        applied++;
        s.networks[`n${i}`] = resource(`n${i}`);
      }));
      void updates[0]?.then(() => (appliedWhenFirstSettled = applied));
      await Promise.all(updates);
      // The first change waited for at most MAX_BATCH changes, not for the n of the burst.
      expect(appliedWhenFirstSettled).toBe(Math.min(n, MAX_BATCH));
      expect(applied).toBe(n);
      expect(Object.keys((await new StateStore(dir).read(`burst${n}`)).networks)).toHaveLength(n);
    }
  });

  it('removes the state file when the project holds nothing', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await store.update('p', (s) => void delete s.networks['x']);
    expect(await readdir(join(dir, 'projects'))).toEqual([]);
  });

  it('breaks a lock left by a dead process', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await writeFile(join(dir, 'projects', 'p.json.lock'), `${2 ** 22 + 11} 1`);
    await store.update('p', (s) => void (s.networks['y'] = resource('y')));
    expect(Object.keys((await store.read('p')).networks).sort()).toEqual(['x', 'y']);
  });

  it('sees a write by another process at once, even one of the same size within the same clock tick', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['aaaa'] = resource('aaaa')));
    expect(Object.keys((await store.read('p')).networks)).toEqual(['aaaa']);
    // Another process's write: same length, new write id, renamed into place right away.
    const file = join(dir, 'projects', 'p.json');
    const text = await readFile(file, 'utf8');
    const foreign = reseal(text.replaceAll('aaaa', 'bbbb').replace(/"writeId":"[0-9a-f]{24}"/, `"writeId":"${'f'.repeat(24)}"`));
    expect(foreign).toHaveLength(text.length);
    await writeFile(`${file}.other.tmp`, foreign);
    await rename(`${file}.other.tmp`, file);
    expect(Object.keys((await store.read('p')).networks)).toEqual(['bbbb']);
    // And a change builds on it (not on what this process wrote last).
    await store.update('p', (s) => void (s.networks['cccc'] = resource('cccc')));
    expect(Object.keys((await new StateStore(dir).read('p')).networks).sort()).toEqual(['bbbb', 'cccc']);
  });

  it('reads files written without a write id (older versions)', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    const file = join(dir, 'projects', 'p.json');
    const legacy = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    delete legacy['writeId'];
    delete legacy['crc'];
    legacy['networks'] = { y: resource('y') };
    await writeFile(`${file}.tmp`, JSON.stringify(legacy));
    await rename(`${file}.tmp`, file);
    expect(Object.keys((await store.read('p')).networks)).toEqual(['y']);
    await store.update('p', (s) => void (s.networks['z'] = resource('z')));
    expect(Object.keys((await store.read('p')).networks).sort()).toEqual(['y', 'z']);
  });

  it('fails a change that is not synchronous alone; the rest of its batch is written', async () => {
    const store = new StateStore(dir);
    const results = await Promise.allSettled([
      store.update('p', (s) => void (s.networks['a'] = resource('a'))),
      store.update('p', async () => undefined),
      store.update('p', () => {
        throw new Error('no');
      }),
      store.update('p', (s) => Object.keys(s.networks).length),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results[3]).toMatchObject({ value: 1 }); // saw the change before it (same batch, in order)
    expect(Object.keys((await store.read('p')).networks)).toEqual(['a']);
  });

  it('waits while another live process holds the lock, and writes once it lets go', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const lock = join(dir, 'projects', 'p.json.lock');
      const start = (await readFile(`/proc/${holder.pid}/stat`, 'utf8')).split(') ')[1]?.split(' ')[19];
      await writeFile(lock, `${holder.pid} ${start}`);
      let written = false;
      const update = store.update('p', (s) => void (s.networks['y'] = resource('y'))).then(() => (written = true));
      await new Promise((r) => setTimeout(r, 150));
      expect(written).toBe(false);
      await rm(lock);
      await update;
      expect(Object.keys((await store.read('p')).networks).sort()).toEqual(['x', 'y']);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('replaces a corrupt state file by the state rebuilt from the live processes, keeps it aside and reports it', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await writeFile(join(dir, 'projects', 'p.json'), '{ nope');
    const warnings = captureWarnings();
    try {
      expect(await store.read('p')).toMatchObject({ containers: {}, networks: {} });
    } finally {
      warnings.stop();
    }
    expect(warnings.messages).toEqual([expect.stringContaining('is not JSON')]);
    expect(await readFile(join(dir, 'projects', 'p.json.damaged'), 'utf8')).toBe('{ nope');
    expect(await readdir(join(dir, 'projects'))).toEqual(['p.json.damaged']); // nothing left to record
  });

  it('still reads an I/O failure as a typed error', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await rm(join(dir, 'projects', 'p.json'));
    await mkdir(join(dir, 'projects', 'p.json'));
    expect(isStateFileError(await store.read('p').catch((e: unknown) => e))).toBe(true);
  });
  it('writes the field a change made, and keeps every other record as it was (record JSON reused)', async () => {
    const store = new StateStore(dir);
    const record = (id: string) => ({ id, name: id, project: 'p', service: id, replica: 1, configHash: 'h', image: 'i', labels: { a: 'b' }, command: ['sh'], cwd: '/', env: { K: 'v "q"\n' }, ports: [], mounts: [], restart: 'no' as const, stopSignal: 'SIGTERM', stopGraceMs: 1_000, state: 'created' as const, desired: 'running' as const, createdAt: 't', restartCount: 0, health: 'none' as const });
    await store.update('p', (s) => {
      for (let i = 0; i < 50; i++) s.containers[`p.${i}`] = record(`p.${i}`);
    });
    for (let i = 0; i < 5; i++) {
      await store.update('p', (s) => {
        const c = s.containers['p.7'];
        if (c) Object.assign(c, { state: 'running', pid: 100 + i, restartCount: i });
      });
    }
    await store.update('p', (s) => void delete s.containers['p.3']);
    const text = await readFile(join(dir, 'projects', 'p.json'), 'utf8');
    const onDisk = replay(text) as { containers: Record<string, ReturnType<typeof record> & { pid?: number }> };
    // A snapshot, then one line per write holding only what it changed.
    const lines = text.split('\n');
    expect(lines).toHaveLength(8); // snapshot, 5 changes of p.7, the removal of p.3, and the final newline
    expect(lines.slice(1, 6).map((line) => Object.keys(unseal(line)['containers'] ?? {}))).toEqual(Array(5).fill(['p.7']));
    expect(unseal(lines[6] ?? '')).toEqual({ containers: { 'p.3': null } });
    expect(Object.keys(onDisk.containers)).toHaveLength(49);
    expect(onDisk.containers['p.7']).toMatchObject({ state: 'running', pid: 104, restartCount: 4 });
    expect(onDisk.containers['p.8']).toEqual(record('p.8'));
    expect(onDisk.containers['p.3']).toBeUndefined();
    // Another process (a fresh parse) reads the same.
    expect((await new StateStore(dir).read('p')).containers['p.7']?.pid).toBe(104);
  });

  it('holds the lock for a write in flight: a second acquisition in this process waits instead of breaking it', async () => {
    const { tryLock, unlock } = await import('./lock.js');
    const file = join(dir, 'x.lock');
    expect(tryLock(file)).toBe('acquired');
    expect(tryLock(file)).toBe('busy');
    unlock(file);
    expect(tryLock(file)).toBe('acquired');
    unlock(file);
  });
  describe('journal', () => {
    const file = () => join(dir, 'projects', 'p.json');
    const lineCount = async () => (await readFile(file(), 'utf8')).split('\n').filter((line) => line !== '').length;

    it('writes a new snapshot once the changes would outweigh it, and reads the same state throughout', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['n'] = resource('n')));
      const counts: number[] = [];
      for (let i = 0; i < 400; i++) {
        await store.update('p', (s) => void (s.volumes[`v${i % 7}`] = { ...resource(`v${i % 7}`), createdAt: new Date(i).toISOString() }));
        counts.push(await lineCount());
      }
      // Appends grow the file line by line; a snapshot starts it again at one line.
      expect(counts.filter((count, i) => i > 0 && count < (counts[i - 1] ?? 0)).length).toBeGreaterThan(1);
      expect(Math.max(...counts)).toBeLessThan(200);
      const expected = Object.fromEntries(Array.from({ length: 7 }, (_, k) => {
        const last = 399 - ((399 - k) % 7);
        return [`v${k}`, { ...resource(`v${k}`), createdAt: new Date(last).toISOString() }];
      }));
      expect(replay(await readFile(file(), 'utf8'))['volumes']).toEqual(expected);
      expect((await new StateStore(dir).read('p')).volumes).toEqual(expected);
      expect((await store.read('p')).volumes).toEqual(expected);
    });

    it('reads what another process appended, and a line it is still writing only once it is whole', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      expect(Object.keys((await store.read('p')).networks)).toEqual(['a']);
      await appendFile(file(), reseal(`${JSON.stringify({ networks: { b: resource('b'), a: null } })}\n`));
      expect(Object.keys((await store.read('p')).networks)).toEqual(['b']);
      // The writer holds the lock while it appends: a reader that sees a partial line waits for it.
      const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        const start = (await readFile(`/proc/${holder.pid}/stat`, 'utf8')).split(') ')[1]?.split(' ')[19];
        await writeFile(join(dir, 'projects', 'p.json.lock'), `${holder.pid} ${start}`);
        const half = reseal(`${JSON.stringify({ networks: { c: resource('c') } })}\n`);
        await appendFile(file(), half.slice(0, 20));
        const reading = new StateStore(dir).read('p');
        await appendFile(file(), half.slice(20));
        await rm(join(dir, 'projects', 'p.json.lock'));
        expect(Object.keys((await reading).networks).sort()).toEqual(['b', 'c']);
        expect(Object.keys((await store.read('p')).networks).sort()).toEqual(['b', 'c']);
      } finally {
        holder.kill('SIGKILL');
      }
    });

    it('writes a new snapshot instead of appending after a line a dead writer left half-written', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      await appendFile(file(), '{"networks":{"x":{"id":"x","na');
      await store.update('p', (s) => void (s.networks['b'] = resource('b')));
      const text = await readFile(file(), 'utf8');
      expect(text.split('\n')).toHaveLength(2); // one snapshot line, then the final newline
      expect(Object.keys(replay(text)['networks'] ?? {}).sort()).toEqual(['a', 'b']);
      expect(Object.keys((await new StateStore(dir).read('p')).networks).sort()).toEqual(['a', 'b']);
    });

    it('writes a new snapshot over a file of an earlier version (no newline after the state) instead of appending to it', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      const old = reseal((await readFile(file(), 'utf8')).replace(/"writeId":"[0-9a-f]{24}"/, `"writeId":"${'e'.repeat(24)}"`)).trimEnd();
      await writeFile(`${file()}.tmp`, old);
      await rename(`${file()}.tmp`, file());
      await store.update('p', (s) => void (s.networks['b'] = resource('b')));
      const text = await readFile(file(), 'utf8');
      expect(text.split('\n')).toHaveLength(2);
      expect(Object.keys(replay(text)['networks'] ?? {}).sort()).toEqual(['a', 'b']);
    });

    it('keeps what precedes a line of changes that is not JSON, reports it and writes a new snapshot', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      await appendFile(file(), '{ nope\n');
      const warnings = captureWarnings();
      try {
        expect(Object.keys((await new StateStore(dir).read('p')).networks)).toEqual(['a']);
      } finally {
        warnings.stop();
      }
      expect(warnings.messages).toEqual([expect.stringMatching(/line at byte \d+ is not a JSON object/)]);
      expect((await readFile(file(), 'utf8')).split('\n')).toHaveLength(2);
    });

    it('detects a line whose checksum does not match, and one cut short (a truncated file)', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      await store.update('p', (s) => void (s.networks['b'] = resource('b')));
      await store.update('p', (s) => void (s.networks['c'] = resource('c')));
      const text = await readFile(file(), 'utf8');
      const warnings = captureWarnings();
      try {
        // The second line changed (still JSON): its checksum tells.
        await writeFile(file(), text.replace('"b"', '"bb"'));
        expect(Object.keys((await new StateStore(dir).read('p')).networks)).toEqual(['a']);
        // Cut inside the last line: under the lock nobody is appending, so it is torn.
        await writeFile(file(), text.slice(0, text.length - 10));
        expect(Object.keys((await new StateStore(dir).read('p')).networks).sort()).toEqual(['a', 'b']);
      } finally {
        warnings.stop();
      }
      expect(warnings.messages).toEqual([expect.stringContaining('does not match its checksum'), expect.stringContaining('ends in a partial line')]);
    });

    it('appends only what changed after a snapshot another process wrote', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      const foreign = { version: 1, writeId: 'd'.repeat(24), project: 'p', containers: {}, networks: { a: resource('a'), b: resource('b'), c: resource('c') }, volumes: {} };
      await writeFile(`${file()}.tmp`, `${JSON.stringify(foreign)}\n`);
      await rename(`${file()}.tmp`, file());
      await store.update('p', (s) => void (s.networks['b'] = { ...resource('b'), createdAt: 'now' }));
      const lines = (await readFile(file(), 'utf8')).split('\n');
      expect(lines).toHaveLength(3);
      expect(unseal(lines[1] ?? '')).toEqual({ networks: { b: { ...resource('b'), createdAt: 'now' } } });
    });

    it('gives changes a view of the containers that reads, sets, deletes and enumerates like a plain object', async () => {
      const store = new StateStore(dir);
      const container = (id: string, pid?: number) => ({ id, name: id, project: 'p', service: id, replica: 1, configHash: 'h', image: 'i', labels: {}, command: ['sh'], cwd: '/', env: {}, ports: [], mounts: [], restart: 'no' as const, stopSignal: 'SIGTERM', stopGraceMs: 1_000, state: 'created' as const, desired: 'running' as const, createdAt: 't', restartCount: 0, health: 'none' as const, ...(pid === undefined ? {} : { pid }) });
      await store.update('p', (s) => {
        for (const id of ['a', 'b', 'c']) s.containers[id] = container(id);
      });
      const seen = await store.update('p', (s) => {
        const before = { keys: Object.keys(s.containers), has: 'b' in s.containers, missing: s.containers['zz'] };
        const b = s.containers['b'];
        if (b) b.pid = 7; // a change assigns a record's fields
        delete s.containers['a'];
        s.containers['d'] = container('d');
        delete s.containers['c'];
        s.containers['c'] = container('c', 9); // deleted, then set again
        return { ...before, after: Object.entries(s.containers).map(([id, r]) => `${id}:${r.pid ?? '-'}`).sort(), hasA: 'a' in s.containers };
      });
      expect(seen).toEqual({ keys: ['a', 'b', 'c'], has: true, missing: undefined, after: ['b:7', 'c:9', 'd:-'], hasA: false });
      const lines = (await readFile(file(), 'utf8')).split('\n').filter((line) => line !== '');
      expect(Object.keys((JSON.parse(lines.at(-1) ?? '') as { containers: object }).containers).sort()).toEqual(['a', 'b', 'c', 'd']);
      for (const reader of [store, new StateStore(dir)]) {
        const state = await reader.read('p');
        expect(Object.keys(state.containers).sort()).toEqual(['b', 'c', 'd']);
        expect([state.containers['b']?.pid, state.containers['c']?.pid]).toEqual([7, 9]);
      }
      // What a reader holds is never changed by a later batch.
      const held = await store.read('p');
      await store.update('p', (s) => {
        const b = s.containers['b'];
        if (b) b.pid = 8;
      });
      expect(held.containers['b']?.pid).toBe(7);
      expect((await store.read('p')).containers['b']?.pid).toBe(8);
    });

    it('writes a new snapshot, never a lone line of changes, when the file vanished before the append', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      // Removed (by hand) after this batch read it, before its line is appended.
      await store.update('p', (s) => {
        rmSync(file());
        s.networks['b'] = resource('b');
      });
      const text = await readFile(file(), 'utf8');
      expect(text.startsWith('{"version":1,"writeId":"')).toBe(true);
      expect(text.split('\n')).toHaveLength(2);
      expect(Object.keys(replay(text)['networks'] ?? {}).sort()).toEqual(['a', 'b']);
    });

    it('writes nothing for a change that changes nothing', async () => {
      const store = new StateStore(dir);
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      const before = await readFile(file(), 'utf8');
      await store.update('p', (s) => void (s.networks['a'] = resource('a')));
      expect(await readFile(file(), 'utf8')).toBe(before);
    });
  });
});
