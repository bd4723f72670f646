import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  Project,
  Wait,
  isCancelledError,
  isDependencyFailedError,
  isHealthTimeoutError,
  isPortConflictError,
  isProjectLockedError,
  isServiceExitedError,
  isServiceFailureError,
  planToString,
  TwoStageAbortController,
  type HealthTimeoutError,
} from '@selur/compose';
import { acquireProjectLock } from '../../src/engine/lock.js';
import { FAST, memory, recorder, rejection } from './helpers.js';

describe('failures on the memory runtime', () => {
  test('a health timeout fails typed, with diagnostics, skips dependants and rolls back this run only', async () => {
    const runtime = memory({ db: { neverHealthy: true, probeOutput: 'connection refused', logs: Array.from({ length: 60 }, (_, i) => `db line ${i}`) } });
    const name = `fail-${Math.random().toString(16).slice(2, 8)}`;
    // Something that existed before this run: it must survive the rollback.
    const first = await new Project(name).service('pre', { command: ['pre'] }).up({ ...FAST, runtime });
    const preId = first.service('pre').containers()[0]?.id;
    const project = new Project(name)
      .service('pre', { command: ['pre'] })
      .volume('data')
      .service('db', { command: ['db'], volumes: ['data:/data'], healthcheck: { test: 'check', interval: '20ms', retries: 2 } })
      .service('api', { command: ['api'], depends_on: { db: { condition: 'service_healthy' } } })
      .service('web', { command: ['web'], depends_on: ['api'] });
    const rec = recorder();
    const error = (await rejection(project.up({ ...FAST, runtime, onEvent: rec.onEvent }))) as HealthTimeoutError;
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(isServiceFailureError(error)).toBe(true);
    expect(error.service).toBe('db');
    expect(error.healthOutput).toBe('connection refused');
    expect(error.logs).toHaveLength(50);
    expect(error.logs.at(-1)).toBe('db line 59');
    expect(error.skipped).toEqual(['api', 'web']);
    expect(error.rolledBack).toBe(true);
    expect(error.message).toContain('skipped: api, web');
    expect(rec.types((e) => e.type === 'service.skipped').sort()).toEqual(['service.skipped:api', 'service.skipped:web']);
    expect(rec.types((e) => e.type === 'service.unhealthy')).toEqual(['service.unhealthy:db']);
    expect(rec.types((e) => e.type === 'service.failed')).toEqual(['service.failed:db']);
    expect(rec.types((e) => e.type.startsWith('rollback'))).toEqual(['rollback.started', 'rollback.finished']);
    // Only what existed before remains.
    expect(runtime.all().map((c) => c.id)).toEqual([preId]);
    expect(runtime.volumes()).toEqual([]);
    expect(runtime.networks().map((n) => n.runtimeName)).toEqual([`${name}_default`]);
    await first.down();
  });

  test('a service whose start was sent and failed is not listed as skipped (two independent starts both fail)', async () => {
    const runtime = memory({ api: { failStart: new Error('api: start refused'), startDelayMs: 30 }, web: { failStart: new Error('web: start refused'), startDelayMs: 30 } });
    const project = new Project().service('api', { command: ['api'] }).service('web', { command: ['web'] }).service('after', { command: ['after'], depends_on: ['api', 'web'] });
    const error = await rejection(project.up({ ...FAST, runtime }));
    expect(isServiceFailureError(error)).toBe(true);
    if (!isServiceFailureError(error)) return;
    // Both starts were sent (parallel); only the one that depends on them was never attempted.
    expect(error.skipped).toEqual(['after']);
    expect(error.message).not.toMatch(/skipped: .*\b(api|web)\b/);
  });

  test("onFailure: 'leave' keeps what was made and says so", async () => {
    const runtime = memory({ api: { exitCode: 3, logs: ['boom'] } });
    const project = new Project().service('db', { command: ['db'] }).service('api', (s) => s.command(['api']).dependsOn('db').waitFor(Wait.forLog('listening')));
    const error = await rejection(project.up({ ...FAST, runtime, onFailure: 'leave' }));
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.exitCode).toBe(3);
    expect(error.logs).toEqual(['boom']);
    expect(error.rolledBack).toBe(false);
    expect(error.leftRunning).toEqual(['api', 'db']);
    expect(error.message).toContain("onFailure: 'leave'");
    expect(runtime.all().map((c) => c.service).sort()).toEqual(['api', 'db']);
    await project.down({ runtime });
    expect(runtime.all()).toEqual([]);
  });

  test('a one-shot dependency exiting non-zero blocks its dependant with DependencyFailedError', async () => {
    const runtime = memory({ migrate: { exitCode: 1, logs: ['migration 7 failed'] } });
    const project = new Project()
      .service('migrate', { command: ['m'] })
      .service('api', { command: ['api'], depends_on: { migrate: { condition: 'service_completed_successfully' } } });
    const error = await rejection(project.up({ ...FAST, runtime }));
    expect(isDependencyFailedError(error)).toBe(true);
    if (!isDependencyFailedError(error)) return;
    expect(error.service).toBe('api');
    expect(error.dependency).toBe('migrate');
    expect(error.exitCode).toBe(1);
    expect(error.logs).toEqual(['migration 7 failed']);
    expect(runtime.all()).toEqual([]);
  });

  test('a port conflict is a PortConflictError', async () => {
    const runtime = memory({ web: { failStart: Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE' }) } });
    const error = await rejection(new Project().service('web', { command: ['w'], ports: ['8080:80'] }).up({ ...FAST, runtime }));
    expect(isPortConflictError(error)).toBe(true);
    if (isPortConflictError(error)) expect(error.port).toBe(8080);
    expect(runtime.all()).toEqual([]);
  });

  test('abort mid-up cancels, tears down what this run made, and throws CancelledError', async () => {
    const runtime = memory({ slow: { neverHealthy: true } });
    const controller = new AbortController();
    const rec = recorder();
    const project = new Project()
      .service('slow', { command: ['s'], healthcheck: { test: 'x', interval: '10s' } })
      .service('after', { command: ['a'], depends_on: { slow: { condition: 'service_healthy' } } });
    const up = project.up({ ...FAST, runtime, signal: controller.signal, onEvent: (e) => {
      rec.onEvent(e);
      if (e.type === 'service.started') controller.abort();
    } });
    const error = await rejection(up);
    expect(isCancelledError(error)).toBe(true);
    if (isCancelledError(error)) expect(error.skipped).toEqual(['after']);
    expect(runtime.all()).toEqual([]);
    expect(runtime.networks()).toEqual([]);
  });

  test('a second abort forces: the rollback kills instead of stopping gracefully', async () => {
    const runtime = memory({ a: { neverHealthy: true } });
    const interrupt = new TwoStageAbortController();
    runtime.stopContainer = () => new Promise(() => undefined); // a stop that never finishes
    const project = new Project().service('a', { command: ['a'], healthcheck: { test: 'x', interval: '10s' } });
    const up = project.up({ ...FAST, runtime, signal: interrupt.signal, forceSignal: interrupt.forceSignal, onEvent: (e) => {
      if (e.type === 'service.started') interrupt.abort();
      if (e.type === 'service.stopping') interrupt.abort();
    } });
    expect(isCancelledError(await rejection(up))).toBe(true);
    expect(runtime.all()).toEqual([]);
  });

  test('an abort before up starts throws at once and touches nothing', async () => {
    const runtime = memory();
    const error = await rejection(new Project().service('a', { command: ['a'] }).up({ runtime, signal: AbortSignal.abort() }));
    expect(isCancelledError(error)).toBe(true);
    expect(runtime.calls).toEqual([]);
  });

  test('up waits for the project lock, then throws ProjectLockedError naming the holder', async () => {
    const runtime = memory();
    const project = new Project().service('a', { command: ['a'] });
    const lock = await acquireProjectLock(runtime.name, project.name);
    try {
      const error = await rejection(project.up({ ...FAST, runtime, lockTimeout: 30 }));
      expect(isProjectLockedError(error)).toBe(true);
      if (isProjectLockedError(error)) expect(error.holderPid).toBe(process.pid);
      expect(runtime.calls).toEqual([]);
    } finally {
      await lock.release();
    }
    const stack = await project.up({ ...FAST, runtime });
    await stack.down();
  });

  test('invalid options are rejected eagerly, naming the option', async () => {
    const project = new Project().service('a', { command: ['a'] });
    await expect(project.up({ runtime: memory(), parallel: 0 })).rejects.toThrow(/options\.parallel must be an integer ≥ 1 or Infinity, received 0/);
    await expect(project.up({ runtime: memory(), services: ['nope'] })).rejects.toThrow(/Unknown service 'nope'/);
  });
});

describe('secrets never leak', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('not in events, plans or errors, even when the service prints them', async () => {
    const secret = 'hunter2-very-secret';
    writeFileSync(join(dir, 'pw.txt'), `${secret}\n`);
    const runtime = memory({ api: { logs: [`password is ${secret}`], neverHealthy: true, probeOutput: `bad ${secret}` } });
    const project = new Project(undefined, { workingDir: dir })
      .secret('pw', { file: './pw.txt' })
      .service('api', { command: ['api'], secrets: ['pw'], environment: { PASSWORD: { secret: 'pw' } }, healthcheck: { test: 'x', interval: '20ms', retries: 1 } });
    const rec = recorder();
    // Development mode: the secret's content is injected into PASSWORD, and must still never leak.
    const error = await rejection(project.up({ ...FAST, runtime, onEvent: rec.onEvent, logEvents: true, secretsDevMode: true }));
    const plan = await project.plan(runtime);
    const everything = JSON.stringify(rec.events, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message } : v)) + planToString(plan) + JSON.stringify(plan) + String(error) + JSON.stringify(error);
    expect(everything).not.toContain(secret);
    expect(rec.events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.text : ''))).toEqual(['password is [redacted]']);
    expect(isHealthTimeoutError(error) && error.logs).toEqual(['password is [redacted]']);
    expect(isHealthTimeoutError(error) && error.healthOutput).toBe('bad [redacted]');
    // The service was created (with the value, which only the runtime sees).
    const created = runtime.calls.find((c) => c.op === 'createContainer');
    expect(created).toBeDefined();
  });

  test('a secret shorter than 4 characters is hidden where it stands alone, and ordinary words survive', async () => {
    writeFileSync(join(dir, 'pin.txt'), 'q7\n');
    const runtime = memory({ api: { logs: ['PIN=q7 accepted', 'q7x and xq7 are other words'], neverHealthy: true, probeOutput: 'pin "q7" rejected' } });
    const project = new Project(undefined, { workingDir: dir })
      .secret('pin', { file: './pin.txt' })
      .service('api', { command: ['api'], secrets: ['pin'], healthcheck: { test: 'x', interval: '20ms', retries: 1 } });
    const rec = recorder();
    const error = await rejection(project.up({ ...FAST, runtime, onEvent: rec.onEvent, logEvents: true }));
    expect(rec.events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.text : ''))).toEqual(['PIN=[redacted] accepted', 'q7x and xq7 are other words']);
    expect(isHealthTimeoutError(error) && error.healthOutput).toBe('pin "[redacted]" rejected');
  });

  test('a changed secret file recreates the service that uses it (by digest)', async () => {
    writeFileSync(join(dir, 'token.txt'), 'one-token');
    const runtime = memory();
    const project = new Project(undefined, { workingDir: dir }).secret('token', { file: './token.txt' }).service('api', { command: ['api'], secrets: ['token'] });
    const stack = await project.up({ ...FAST, runtime });
    writeFileSync(join(dir, 'token.txt'), 'two-token');
    const plan = await project.plan(runtime);
    expect(plan.services[0]?.reasons).toEqual(['secret token content changed']);
    expect(JSON.stringify(plan)).not.toContain('two-token');
    await stack.down();
  });

  test('a changed config file, or inline config content, recreates the service that reads it (by digest)', async () => {
    writeFileSync(join(dir, 'app.conf'), 'workers = 1');
    const runtime = memory();
    const project = (inline: string) =>
      new Project('configs', { workingDir: dir })
        .config('app_conf', { file: './app.conf' })
        .config('motd', { content: inline })
        .service('api', { command: ['api'], configs: ['app_conf'] })
        .service('web', { command: ['web'], configs: ['motd'] })
        .service('other', { command: ['other'] });
    const stack = await project('hello').up({ ...FAST, runtime, unsupported: 'warn' });
    await project('hello').plan(runtime, { expectNoChanges: true });
    writeFileSync(join(dir, 'app.conf'), 'workers = 4');
    const plan = await project('hello again').plan(runtime);
    expect(plan.services.map((s) => [s.name, s.action, s.reasons])).toEqual([
      ['api', 'recreate', ['config app_conf content changed']],
      ['other', 'unchanged', []],
      ['web', 'recreate', ['config motd content changed']],
    ]);
    expect(JSON.stringify(plan)).not.toContain('workers = 4');
    await stack.down();
  });
});

describe('timeouts', () => {
  test("up's overall timeout bounds readiness waits", async () => {
    const runtime = memory({ a: { neverHealthy: true } });
    const error = await rejection(new Project().service('a', { command: ['a'], healthcheck: { test: 'x', interval: '1m', retries: 3 } }).up({ ...FAST, runtime, timeout: 30 }));
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(runtime.all()).toEqual([]);
  });

  test('a wait strategy timeout', async () => {
    const runtime = memory();
    const error = await rejection(new Project().service('a', (s) => s.command(['a']).waitFor(Wait.forLog('never').withTimeout(20))).up({ ...FAST, runtime }));
    expect(isHealthTimeoutError(error)).toBe(true);
    if (isHealthTimeoutError(error)) expect(error.reason).toContain('did not appear 1 time(s) within 20 ms');
  });
});

describe('typed gaps', () => {
  test('a runtime without a needed capability fails early with UnsupportedOperationError, touching nothing', async () => {
    const { MemoryRuntime } = await import('../support/memory-runtime.js');
    const { isUnsupportedOperationError } = await import('@selur/compose');
    const runtime = new MemoryRuntime({ capabilities: ['logs', 'health'] });
    const error = await rejection(new Project().service('api', { command: ['a'], deploy: { replicas: 2 } }).up({ ...FAST, runtime }));
    expect(isUnsupportedOperationError(error)).toBe(true);
    if (isUnsupportedOperationError(error)) expect([error.provider, error.operation, error.service]).toEqual(['memory', 'replicas', 'api']);
    expect(runtime.mutatingCalls()).toEqual([]);
  });
});
