import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processRuntime, type LogLine, type ProcessRuntime } from '@selur/compose';
import { alive, groupMembers, killGroup, killRecorded, request, waitFor } from './support.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const ownerScript = fileURLToPath(new URL('./fixtures/owner.ts', import.meta.url));

/** Starts `count` services from a separate node process; resolves with their ids and pids. */
function startOwner(stateDir: string, project: string, count: number): Promise<{ child: ChildProcess; ids: string[]; pids: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ownerScript, stateDir, project, String(count)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`owner did not report within 20 s: ${stderr}`));
    }, 20_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, ...(JSON.parse(line) as { ids: string[]; pids: number[] }) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`owner exited (${code}): ${stderr}`));
    });
  });
}

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('processRuntime across runtime objects and processes', () => {
  let stateDir: string;
  let runtime: ProcessRuntime;
  const pgids: number[] = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'process-cross-'));
    runtime = processRuntime({ stateDir, restartBackoff: { initialMs: 20, maxMs: 200 } });
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(kill9));
    await runtime.close();
    pgids.splice(0).forEach(killGroup);
    killRecorded(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('a second runtime object reads the real state back, follows logs, and its stop is not undone by a restart', async () => {
    const created = await runtime.createContainer(request(stateDir, 'shop', 'api', { command: ['sh', '-c', 'echo ready; sleep 30'], restart: 'always', ports: [{ target: 80, protocol: 'tcp' }] }));
    const started = await runtime.startContainer(created.id);
    pgids.push(started.pid ?? 0);
    const other = processRuntime({ stateDir });
    try {
      const [seen] = await other.listContainers('shop');
      expect(seen).toMatchObject({ id: created.id, state: 'running', pid: started.pid, service: 'api', replica: 1, ports: started.ports });
      expect(await other.inspectContainer(created.id)).toMatchObject({ state: 'running' });
      const follow = (async () => {
        const texts: string[] = [];
        for await (const line of other.logs(created.id, { follow: true, signal: AbortSignal.timeout(15_000) })) texts.push(line.text);
        return texts;
      })();
      await waitFor(async () => (await readFile(join(stateDir, 'projects', 'shop', 'logs', `${created.id}.log`), 'utf8').catch(() => '')).includes('ready'), 'the log file');
      await other.stopContainer(created.id, { timeoutMs: 2_000 });
      expect(await follow).toEqual(['ready']); // ended because the process exited for good
      expect(alive(started.pid ?? 0)).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(await runtime.inspectContainer(created.id)).toMatchObject({ state: 'exited', restartCount: 0 });
      await other.removeContainer(created.id);
      expect(await runtime.listContainers('shop')).toEqual([]);
      await expect(access(join(stateDir, 'projects', 'shop.json'))).rejects.toThrow();
    } finally {
      await other.close();
    }
  });

  it('a down from this process stops what a live owner process started, and the owner does not restart it', async () => {
    const { child, ids, pids } = await startOwner(stateDir, 'liveowner', 2);
    children.push(child);
    pids.forEach((p) => pgids.push(p));
    const listed = await runtime.listContainers('liveowner');
    expect(listed.map((c) => c.id).sort()).toEqual([...ids].sort());
    for (const c of listed) {
      expect(c.state).toBe('running');
      expect(pids).toContain(c.pid);
    }
    for (const id of ids) await runtime.stopContainer(id, { timeoutMs: 2_000 });
    for (const pid of pids) expect(groupMembers(pid)).toEqual([]);
    await new Promise((r) => setTimeout(r, 500)); // the owner's restart policy is 'always'
    for (const info of await runtime.listContainers('liveowner')) expect(info).toMatchObject({ state: 'exited', restartCount: 0 });
    for (const id of ids) await runtime.removeContainer(id);
    expect(await runtime.listContainers('liveowner')).toEqual([]);
    expect(child.exitCode).toBeNull(); // the owner lived through all of it
  });

  it('after kill -9 of the owner process, a new runtime finds, stops and removes its services', async () => {
    const { child, ids, pids } = await startOwner(stateDir, 'crashy', 2);
    children.push(child);
    pids.forEach((p) => pgids.push(p));
    expect(ids).toHaveLength(2);
    await kill9(child);
    for (const pid of pids) expect(alive(pid)).toBe(true); // services outlive their owner
    const fresh = processRuntime({ stateDir });
    for (const id of ids) {
      await fresh.stopContainer(id, { timeoutMs: 2_000 });
      await fresh.removeContainer(id);
    }
    for (const pid of pids) {
      expect(alive(pid)).toBe(false);
      expect(groupMembers(pid)).toEqual([]);
    }
    expect(await fresh.listContainers('crashy')).toEqual([]);
    await fresh.close();
  });

  it('reaps the leftovers of a crashed owner on the next listContainers', async () => {
    const { child, ids, pids } = await startOwner(stateDir, 'leftover', 1);
    children.push(child);
    pids.forEach((p) => pgids.push(p));
    await kill9(child);
    const fresh = processRuntime({ stateDir });
    const listed = await fresh.listContainers('leftover');
    expect(listed.map((c) => [c.id, c.state])).toEqual([[ids[0], 'exited']]);
    expect(groupMembers(pids[0] ?? 0)).toEqual([]);
    expect(await fresh.reap('leftover')).toEqual([]); // nothing left to reap
    await fresh.removeContainer(ids[0] ?? '');
    expect(await fresh.listContainers('leftover')).toEqual([]);
    await fresh.close();
  });

  it('a stack released by an owner process that exited keeps running and logging; another process reads, follows, stops and removes it', async () => {
    const script = fileURLToPath(new URL('./fixtures/detach.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir, 'detached'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(code).toBe(0); // the owner ended on its own: nothing of the service keeps it alive
    const { id, pid } = JSON.parse(out.trim()) as { id: string; pid: number };
    pgids.push(pid);
    const lastTick = (lines: readonly { text: string }[]) => Math.max(0, ...lines.filter((l) => l.text.startsWith('tick ')).map((l) => Number(l.text.slice(5))));
    const logsDir = join(stateDir, 'projects', 'detached', 'logs');
    const indexedAtExit = lastTick((await readFile(join(logsDir, `${id}.log`), 'utf8')).split('\n').map((l) => ({ text: l.split(' ').slice(3).join(' ') })));
    expect(indexedAtExit).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 600));

    const other = processRuntime({ stateDir });
    try {
      // Released, not crashed: listContainers does not reap it, and it did not die of a closed pipe.
      expect((await other.listContainers('detached')).map((c) => [c.id, c.state, c.pid])).toEqual([[id, 'running', pid]]);
      expect(alive(pid)).toBe(true);
      const tail = await collect(other.logs(id, { tail: 4 }));
      expect(tail).toHaveLength(4);
      expect(new Set(tail.map((l) => l.stream))).toEqual(new Set(['stdout', 'stderr']));
      const tailTick = lastTick(tail);
      expect(tailTick).toBeGreaterThan(indexedAtExit + 2); // lines written after the owner left (~10 in 600 ms)
      const all = await collect(other.logs(id));
      expect(all.filter((l) => l.text.startsWith('tick ')).map((l) => l.text)).toEqual(Array.from({ length: lastTick(all) }, (_, i) => `tick ${i + 1}`));
      const followed: number[] = [];
      const controller = new AbortController();
      const guard = setTimeout(() => controller.abort(), 10_000);
      for await (const line of other.logs(id, { follow: true, tail: 0, signal: controller.signal })) {
        if (line.text.startsWith('tick ')) followed.push(Number(line.text.slice(5)));
        if (followed.length >= 3) controller.abort();
      }
      clearTimeout(guard);
      expect(followed).toHaveLength(3);
      expect(followed[0]).toBeGreaterThan(tailTick);
      expect(followed).toEqual([followed[0], (followed[0] ?? 0) + 1, (followed[0] ?? 0) + 2]);
      await other.stopContainer(id, { timeoutMs: 2_000 });
      expect(groupMembers(pid)).toEqual([]);
      expect(await other.inspectContainer(id)).toMatchObject({ state: 'exited', restartCount: 0 });
      await other.removeContainer(id);
      expect(await other.listContainers('detached')).toEqual([]);
      expect(await readdir(join(stateDir, 'projects'))).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('two processes writing the same project lose no update (lock)', async () => {
    const script = fileURLToPath(new URL('./fixtures/networks.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir, 'shared', 'child', '30'], { cwd: repoRoot, stdio: 'ignore' });
    children.push(child);
    const childDone = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const spec = { driver: 'bridge', driver_opts: {}, labels: {}, external: false };
    let exited = false;
    void childDone.then(() => (exited = true));
    let written = 0;
    // Keep writing while the child writes (bounded in rounds), so both really contend for the lock.
    for (let round = 0; round < 150 && !exited; round++) {
      await Promise.all(Array.from({ length: 4 }, (_, i) => runtime.ensureNetwork({ project: 'shared', name: `parent-${round}-${i}`, runtimeName: `shared_parent-${round}-${i}`, spec })));
      written += 4;
    }
    expect(await Promise.race([childDone, new Promise((r) => setTimeout(() => r('timeout'), 20_000))])).toBe(0);
    const names = (await runtime.listNetworks('shared')).map((n) => n.name);
    expect(names.filter((n) => n.startsWith('child-'))).toHaveLength(30);
    expect(names.filter((n) => n.startsWith('parent-'))).toHaveLength(written);
  });

  it.each([
    ['stops on SIGTERM', '0'],
    ['ignores SIGTERM, so the stop waits out the grace period and kills it', '1'],
  ])('a script whose last top-level awaits are stopContainer and removeContainer finishes them and exits 0 (service %s)', async (_label, trap) => {
    const script = fileURLToPath(new URL('./fixtures/stop-last.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir, `last${trap}`, trap], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    const { pid } = JSON.parse(out.trim().split('\n')[0] ?? '{}') as { pid?: number };
    if (pid) pgids.push(pid);
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' }); // 13 would be "unsettled top-level await"
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid ?? 0)).toBe(false);
    expect(groupMembers(pid ?? 0)).toEqual([]);
    expect(await readdir(join(stateDir, 'projects')).catch(() => [])).toEqual([]); // removed: nothing left on record
  });

  it('keeps a script alive while it follows logs or waits for a stop, and lets it end after', async () => {
    const script = fileURLToPath(new URL('./fixtures/follow.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(out.trim()).toBe('followed a,b; removed');
    expect(code).toBe(0);
  });

  it('keeps 20 concurrently started projects isolated', async () => {
    const projects = Array.from({ length: 20 }, (_, i) => `iso-${i}`);
    const infos = await Promise.all(projects.map(async (project) => {
      const created = await runtime.createContainer(request(stateDir, project, 'svc', { command: ['sleep', '30'], environment: { MARK: project }, ports: [{ target: 80, protocol: 'tcp' }] }));
      const started = await runtime.startContainer(created.id);
      pgids.push(started.pid ?? 0);
      return started;
    }));
    expect(new Set(infos.map((i) => i.ports[0]?.published)).size).toBe(20);
    await Promise.all(projects.map(async (project, index) => {
      const list = await runtime.listContainers(project);
      expect(list.map((c) => [c.project, c.id, c.state])).toEqual([[project, infos[index]?.id, 'running']]);
      expect((await runtime.exec(list[0]?.id ?? '', ['sh', '-c', 'echo $MARK'])).stdout.trim()).toBe(project);
    }));
    await Promise.all(infos.map((i) => runtime.removeContainer(i.id, { force: true })));
    for (const project of projects) expect(await runtime.listContainers(project)).toEqual([]);
    for (const info of infos) expect(alive(info.pid ?? 0)).toBe(false);
  });

  it('never signals a reused pid: a recorded pid whose start time differs is left alone', async () => {
    const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const strangerPid = stranger.pid ?? 0;
    pgids.push(strangerPid);
    await waitFor(() => alive(strangerPid), 'the stranger');
    const created = await runtime.createContainer(request(stateDir, 'reuse', 'svc', { command: ['sleep', '30'] }));
    const file = join(stateDir, 'projects', 'reuse.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as { containers: Record<string, Record<string, unknown>> };
    // As if our process died long ago and the kernel gave its pid to the stranger; its owner is gone too.
    Object.assign(state.containers[created.id] ?? {}, { state: 'running', desired: 'running', pid: strangerPid, pidStartTime: '1', ownerPid: 2 ** 22 + 7, ownerStartTime: '1' });
    delete (state as { crc?: unknown }).crc; // hand-written, as a file of an earlier version (no checksum)
    await writeFile(file, JSON.stringify(state));
    const other = processRuntime({ stateDir });
    expect((await other.inspectContainer(created.id)).state).toBe('exited');
    await other.listContainers('reuse'); // reaps
    await other.stopContainer(created.id, { timeoutMs: 200 });
    await other.removeContainer(created.id, { force: true });
    expect(alive(strangerPid)).toBe(true);
    expect(await other.listContainers('reuse')).toEqual([]);
    await other.close();
    stranger.kill('SIGKILL');
  });
});
