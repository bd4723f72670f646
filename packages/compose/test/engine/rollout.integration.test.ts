/**
 * Rolling updates done by the engine, on real host processes (processRuntime): a changed
 * service with several replicas is replaced a batch at a time, each batch gated on its
 * healthcheck; a failed batch stops the rollout and the old replicas run again. While a rollout
 * runs, a bounded request loop asks every running replica for /health over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Project, planToString, processRuntime, isCancelledError, isRolloutFailedError, type ComposeEvent, type ContainerInfo, type ProcessRuntime, type ServiceInput } from '@selur/compose';
import { rejection } from './helpers.js';

const stateDirs: string[] = [];
const runtimes: ProcessRuntime[] = [];
function runtime(): ProcessRuntime {
  const stateDir = mkdtempSync(join(tmpdir(), 'engine-rollout-'));
  stateDirs.push(stateDir);
  const rt = processRuntime({ stateDir });
  runtimes.push(rt);
  return rt;
}
afterAll(async () => {
  for (const rt of runtimes) await rt.close?.();
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
});

const NODE = process.execPath;
/**
 * A server on $PORT that answers /version with $VERSION. With $BROKEN set it says so and never
 * listens; with $DIE_AFTER_MS it exits with code 7 that long after its first connection (the
 * readiness probe's: it dies once ready); with $BREAK_AFTER set to a file, it serves the first time (creating the file) and is
 * broken every later time: the first batch of a rollout passes, the next fails.
 */
const SERVER = [
  NODE,
  '-e',
  `const fs = require('fs');
   const marker = process.env.BREAK_AFTER;
   let broken = !!process.env.BROKEN;
   if (marker) { if (fs.existsSync(marker)) broken = true; else fs.writeFileSync(marker, 'x'); }
   if (broken) { console.log('broken ' + process.env.VERSION); setInterval(() => {}, 60000); }
   else {
     const server = require('http').createServer((q, s) => s.end(q.url === '/version' ? process.env.VERSION : 'ok'));
     if (process.env.DIE_AFTER_MS) server.once('connection', () => setTimeout(() => { console.log('dying'); process.exit(7); }, +process.env.DIE_AFTER_MS));
     server.listen(+process.env.PORT, '127.0.0.1', () => console.log('listening ' + process.env.VERSION));
   }`,
];
const PROBE = `${JSON.stringify(NODE)} -e "require('net').connect(+process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;
const FAST = { pollFirstMs: 5, pollCapMs: 50, lockTimeout: 10_000 } as const;

function web(env: Record<string, string>, deploy: ServiceInput['deploy']): ServiceInput {
  return {
    command: SERVER,
    ports: ['0:8080'],
    environment: env,
    healthcheck: { test: PROBE, interval: '200ms', start_interval: '20ms', retries: 10 },
    deploy,
  };
}

const running = async (rt: ProcessRuntime, project: string): Promise<ContainerInfo[]> =>
  (await rt.listContainers(project, { all: true })).filter((c) => c.service === 'web' && c.state === 'running');

async function get(c: ContainerInfo, path: string): Promise<string | undefined> {
  const port = c.ports[0];
  if (!port) return undefined;
  try {
    const res = await fetch(`http://127.0.0.1:${port.published}${path}`, { signal: AbortSignal.timeout(1_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples the service while `until` is pending, at most 1500 times: how many replicas run, and
 * how many of them answer /health. Only samples taken inside the rollout (between its started
 * and completed events) count.
 */
async function sample(rt: ProcessRuntime, project: string, inRollout: () => boolean, until: Promise<unknown>): Promise<{ running: number[]; answering: number[] }> {
  let settled = false;
  void until.then(
    () => (settled = true),
    () => (settled = true),
  );
  const out = { running: [] as number[], answering: [] as number[] };
  for (let i = 0; i < 1_500 && !settled; i++) {
    if (inRollout()) {
      const list = await running(rt, project);
      const answers = await Promise.all(list.map((c) => get(c, '/health')));
      if (inRollout()) {
        out.running.push(list.length);
        out.answering.push(answers.filter((a) => a !== undefined).length);
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

/** Tracks whether a rollout is under way from the events. */
function rolloutWindow(events: ComposeEvent[]): () => boolean {
  return () => {
    const started = events.some((e) => e.type === 'rollout.started');
    const ended = events.some((e) => e.type === 'rollout.completed' || e.type === 'rollout.failed');
    return started && !ended;
  };
}

describe('rolling updates on processRuntime', { timeout: 90_000 }, () => {
  test('start-first: one replica at a time, never fewer than 3 answering; the plan says so', async () => {
    const rt = runtime();
    const name = `roll-sf-${Math.random().toString(16).slice(2, 8)}`;
    const deploy = { replicas: 3, update_config: { parallelism: 1, order: 'start-first', failure_action: 'rollback' } } as const;
    const make = (version: string) => new Project(name).service('web', web({ VERSION: version }, deploy));
    const stack = await make('v1').up({ ...FAST, runtime: rt });
    try {
      const before = await running(rt, name);
      expect(before).toHaveLength(3);
      const plan = await make('v2').plan(rt);
      expect(planToString(plan).split('\n')).toContain('~ service web: rolling update, 3 replicas, 1 at a time, start-first, on failure rollback (environment.VERSION changed)');
      expect(plan.services[0]?.rollout).toMatchObject({ order: 'start-first', parallelism: 1, batches: 3, replicas: 3, failureAction: 'rollback' });

      const events: ComposeEvent[] = [];
      const up = make('v2').up({ ...FAST, runtime: rt, onEvent: (e) => events.push(e) });
      const samples = await sample(rt, name, rolloutWindow(events), up);
      await up;

      const rollout = events.filter((e) => e.type.startsWith('rollout.'));
      expect(rollout.map((e) => (e.type === 'rollout.batch' ? `batch ${e.batch}: ${e.replaced}/${e.total}` : e.type))).toEqual([
        'rollout.started',
        'batch 1: 1/3',
        'batch 2: 2/3',
        'batch 3: 3/3',
        'rollout.completed',
      ]);
      // Each batch: the new replica starts before its old one stops.
      const oldIds = new Set(before.map((c) => c.id));
      const steps = events.flatMap((e) => (e.type === 'service.started' && !oldIds.has(e.containerId) ? [`start ${e.replica}`] : e.type === 'service.stopped' && oldIds.has(e.containerId) ? [`stop ${e.replica}`] : []));
      expect(steps).toEqual(['start 1', 'stop 1', 'start 2', 'stop 2', 'start 3', 'stop 3']);
      // The sampler saw the rollout, and at every sample at least 3 replicas answered.
      expect(samples.answering.length).toBeGreaterThan(0);
      expect(Math.min(...samples.answering)).toBeGreaterThanOrEqual(3);

      const after = await rt.listContainers(name, { all: true });
      expect(after.map((c) => `${c.replica}:${c.state}`).sort()).toEqual(['1:running', '2:running', '3:running']);
      expect(after.some((c) => oldIds.has(c.id))).toBe(false);
      expect(await Promise.all(after.map((c) => get(c, '/version')))).toEqual(['v2', 'v2', 'v2']);
      // A second up changes nothing; the next rollout may take the canonical names back.
      expect((await make('v2').plan(rt)).hasChanges).toBe(false);
    } finally {
      await stack.down();
    }
    expect(await rt.listContainers(name)).toEqual([]);
  });

  test('stop-first never runs more than 3 replicas', async () => {
    const rt = runtime();
    const name = `roll-stf-${Math.random().toString(16).slice(2, 8)}`;
    const deploy = { replicas: 3, update_config: { parallelism: 2, order: 'stop-first' } } as const;
    const make = (version: string) => new Project(name).service('web', web({ VERSION: version }, deploy));
    const stack = await make('v1').up({ ...FAST, runtime: rt });
    try {
      const oldIds = new Set((await running(rt, name)).map((c) => c.id));
      expect(planToString(await make('v2').plan(rt))).toContain('web: rolling update, 3 replicas, 2 at a time, stop-first, on failure pause (');
      const events: ComposeEvent[] = [];
      const up = make('v2').up({ ...FAST, runtime: rt, onEvent: (e) => events.push(e) });
      const samples = await sample(rt, name, rolloutWindow(events), up);
      await up;
      expect(events.filter((e) => e.type === 'rollout.batch').map((e) => (e.type === 'rollout.batch' ? e.replaced : -1))).toEqual([2, 3]);
      const steps = events.flatMap((e) => (e.type === 'service.started' && !oldIds.has(e.containerId) ? [`start ${e.replica}`] : e.type === 'service.stopped' && oldIds.has(e.containerId) ? [`stop ${e.replica}`] : []));
      // Both old replicas of a batch stop before its new ones start.
      expect(steps.slice(0, 2).sort()).toEqual(['stop 1', 'stop 2']);
      expect(steps.slice(2, 4).sort()).toEqual(['start 1', 'start 2']);
      expect(steps.slice(4)).toEqual(['stop 3', 'start 3']);
      expect(samples.running.length).toBeGreaterThan(0);
      expect(Math.max(...samples.running)).toBeLessThanOrEqual(3);
      const after = await running(rt, name);
      expect(await Promise.all(after.map((c) => get(c, '/version')))).toEqual(['v2', 'v2', 'v2']);
    } finally {
      await stack.down();
    }
  });

  test('a new version that fails its healthcheck stops at batch 1; the old replicas run again with their old config', async () => {
    const rt = runtime();
    const name = `roll-fail-${Math.random().toString(16).slice(2, 8)}`;
    // No update_config: the engine's defaults (1 at a time, stop-first, on failure rollback).
    const make = (env: Record<string, string>) => new Project(name).service('web', web(env, { replicas: 3 }));
    const stack = await make({ VERSION: 'v1' }).up({ ...FAST, runtime: rt });
    try {
      const before = await running(rt, name);
      expect(planToString(await make({ VERSION: 'v2', BROKEN: '1' }).plan(rt))).toContain('web: rolling update, 3 replicas, 1 at a time, stop-first, on failure rollback (');
      const events: ComposeEvent[] = [];
      const error = await rejection(make({ VERSION: 'v2', BROKEN: '1' }).up({ ...FAST, runtime: rt, onEvent: (e) => events.push(e) }));
      expect(isRolloutFailedError(error)).toBe(true);
      if (!isRolloutFailedError(error)) return;
      expect([error.code, error.service, error.batch, error.batches, error.replica, error.failureAction, error.rolledBack, error.replaced]).toEqual(['E_ROLLOUT_FAILED', 'web', 1, 3, 1, 'rollback', true, 0]);
      expect(error.logs).toContain('broken v2');
      expect(error.reason).toMatch(/healthcheck did not pass/);
      expect(error.message).toMatch(/^web: rolling update failed at batch 1\/3 \(replica 1\): healthcheck did not pass within \d+ ms(, when Docker would have declared it unhealthy: [^;]*)?; the old replicas were restored/);
      expect(error.message).toContain('| broken v2');
      expect(events.map((e) => e.type).filter((t) => t.startsWith('rollout.'))).toEqual(['rollout.started', 'rollout.failed', 'rollout.rolledBack']);
      // Only replica 1 was touched.
      expect(events.filter((e) => e.type === 'service.creating').map((e) => (e.type === 'service.creating' ? e.replica : 0))).toEqual([1]);

      const after = await running(rt, name);
      expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
      expect(after.map((c) => c.configHash)).toEqual(before.map((c) => c.configHash));
      expect(await Promise.all(after.map((c) => get(c, '/version')))).toEqual(['v1', 'v1', 'v1']);
      expect((await rt.listContainers(name, { all: true })).length).toBe(3);
      expect((await make({ VERSION: 'v1' }).plan(rt)).hasChanges).toBe(false);
    } finally {
      await stack.down();
    }
  });

  test('start-first: a failure at batch 2 rolls back batch 1 too; pause keeps it', async () => {
    const rt = runtime();
    for (const failureAction of ['rollback', 'pause'] as const) {
      const name = `roll-${failureAction}-${Math.random().toString(16).slice(2, 8)}`;
      const marker = join(stateDirs[stateDirs.length - 1] as string, `${name}.marker`);
      const deploy = { replicas: 3, update_config: { parallelism: 1, order: 'start-first', failure_action: failureAction } } as const;
      const make = (env: Record<string, string>) => new Project(name).service('web', web(env, deploy));
      const stack = await make({ VERSION: 'v1' }).up({ ...FAST, runtime: rt });
      try {
        const before = await running(rt, name);
        const error = await rejection(make({ VERSION: 'v2', BREAK_AFTER: marker }).up({ ...FAST, runtime: rt }));
        expect(isRolloutFailedError(error)).toBe(true);
        if (!isRolloutFailedError(error)) return;
        expect([error.batch, error.replica, error.failureAction, error.rolledBack]).toEqual([2, 2, failureAction, failureAction === 'rollback']);
        const after = [...(await rt.listContainers(name, { all: true }))].sort((a, b) => a.replica - b.replica);
        expect(after.map((c) => `${c.replica}:${c.state}`)).toEqual(['1:running', '2:running', '3:running']);
        const versions = await Promise.all(after.map((c) => get(c, '/version')));
        if (failureAction === 'rollback') {
          expect(versions).toEqual(['v1', 'v1', 'v1']);
          expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
        } else {
          expect(versions).toEqual(['v2', 'v1', 'v1']);
          expect(error.replaced).toBe(1);
        }
      } finally {
        await stack.down();
      }
      expect(await rt.listContainers(name)).toEqual([]);
    }
  });

  test('continue: a failed batch keeps its old replica and the rollout goes on', async () => {
    const rt = runtime();
    const name = `roll-cont-${Math.random().toString(16).slice(2, 8)}`;
    const marker = join(stateDirs[stateDirs.length - 1] as string, `${name}.marker`);
    const deploy = { replicas: 3, update_config: { parallelism: 1, order: 'start-first', failure_action: 'continue' } } as const;
    const make = (env: Record<string, string>) => new Project(name).service('web', web(env, deploy));
    const stack = await make({ VERSION: 'v1' }).up({ ...FAST, runtime: rt });
    try {
      const events: ComposeEvent[] = [];
      await make({ VERSION: 'v2', BREAK_AFTER: marker }).up({ ...FAST, runtime: rt, onEvent: (e) => events.push(e) });
      expect(events.flatMap((e) => (e.type === 'rollout.batch' ? [`${e.batch}: ${e.replaced} replaced, ${e.failed} failed`] : []))).toEqual(['1: 1 replaced, 0 failed', '2: 1 replaced, 1 failed', '3: 1 replaced, 2 failed']);
      expect(events.filter((e) => e.type === 'warning' && e.code === 'rollout-batch-failed')).toHaveLength(2);
      expect(events.find((e) => e.type === 'rollout.completed')).toMatchObject({ replaced: 1, failed: 2 });
      const after = [...(await running(rt, name))].sort((a, b) => a.replica - b.replica);
      expect(await Promise.all(after.map((c) => get(c, '/version')))).toEqual(['v2', 'v1', 'v1']);
      // The replicas left on the old version are still to be replaced.
      const plan = await make({ VERSION: 'v2', BREAK_AFTER: marker }).plan(rt);
      expect(plan.services[0]?.replicas.map((r) => `${r.replica}:${r.action}`)).toEqual(['1:unchanged', '2:recreate', '3:recreate']);
    } finally {
      await stack.down();
    }
  });

  test('an up aborted mid-rollout puts every old replica back', async () => {
    const rt = runtime();
    const name = `roll-abort-${Math.random().toString(16).slice(2, 8)}`;
    const deploy = { replicas: 3, update_config: { parallelism: 1, order: 'stop-first' } } as const;
    const make = (version: string) => new Project(name).service('web', web({ VERSION: version }, deploy));
    const stack = await make('v1').up({ ...FAST, runtime: rt });
    try {
      const before = await running(rt, name);
      const controller = new AbortController();
      const error = await rejection(make('v2').up({ ...FAST, runtime: rt, signal: controller.signal, onEvent: (e) => { if (e.type === 'rollout.batch' && e.batch === 2) controller.abort(); } }));
      expect(isCancelledError(error)).toBe(true);
      const all = await rt.listContainers(name, { all: true });
      expect(all.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
      // Restarted without waiting (the run was cancelled): give them a bounded moment to listen.
      let versions: (string | undefined)[] = [];
      for (let i = 0; i < 100; i++) {
        versions = await Promise.all((await running(rt, name)).map((c) => get(c, '/version')));
        if (versions.length === 3 && versions.every((v) => v === 'v1')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(versions).toEqual(['v1', 'v1', 'v1']);
    } finally {
      await stack.down();
    }
    expect(await rt.listContainers(name)).toEqual([]);
  });

  test('a new replica that dies within the monitor window fails its batch', async () => {
    const rt = runtime();
    const name = `roll-mon-${Math.random().toString(16).slice(2, 8)}`;
    const deploy = { replicas: 2, update_config: { parallelism: 1, order: 'start-first', monitor: '5s', failure_action: 'rollback' } } as const;
    const make = (env: Record<string, string>) => new Project(name).service('web', web(env, deploy));
    const stack = await make({ VERSION: 'v1' }).up({ ...FAST, runtime: rt });
    try {
      const before = await running(rt, name);
      expect(planToString(await make({ VERSION: 'v2' }).plan(rt))).toContain('web: rolling update, 2 replicas, 1 at a time, start-first, monitor 5s, on failure rollback (');
      const events: ComposeEvent[] = [];
      const error = await rejection(make({ VERSION: 'v2', DIE_AFTER_MS: '1000' }).up({ ...FAST, runtime: rt, onEvent: (e) => events.push(e) }));
      expect(isRolloutFailedError(error)).toBe(true);
      if (!isRolloutFailedError(error)) return;
      expect([error.batch, error.replica, error.exitCode, error.rolledBack]).toEqual([1, 1, 7, true]);
      expect(error.reason).toBe('exited with code 7 while monitored after it was ready');
      expect(error.logs).toEqual(['listening v2', 'dying']);
      // It was ready (it listened) before it died: the old replica 1 was still running then.
      expect(events.some((e) => e.type === 'service.stopping' && before.some((c) => c.id === e.containerId))).toBe(false);
      const after = await running(rt, name);
      expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
      expect(await Promise.all(after.map((c) => get(c, '/version')))).toEqual(['v1', 'v1']);
    } finally {
      await stack.down();
    }
  });
});
