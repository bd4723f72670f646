/**
 * Issue 3, failure handling on processRuntime: a failure mid-up throws a typed error with the
 * service, reason, last 50 log lines, health output, exit code and skipped services, and leaves
 * nothing of that run (seen from a fresh runtime) while what existed before is untouched;
 * `onFailure: 'leave'`; abort mid-up.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isCancelledError, isHealthTimeoutError, isServiceExitedError } from '@selur/compose';
import { FAST, NODE, cleanup, idle, rejection, runtime, server, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

/** 60 numbered lines, then exit 7 after a moment. */
const crasher = [NODE, '-e', "for (let i = 1; i <= 60; i++) console.log('line ' + i); setTimeout(() => process.exit(7), 100)"];

describe('failure mid-up (issue 3)', () => {
  test('typed error with service, reason, last 50 lines, exit code, skipped; nothing of the run left; what existed before untouched', async () => {
    const dir = stateDir();
    const rt = runtime(dir);
    const name = uniqueName('fail');
    const base = () => new Project(name).volume('data').service('ok', (s) => s.command(server()).port('0:8080').volume('data:/data').waitFor(Wait.forPort(8080)));
    const before = await base().up({ ...FAST, runtime: rt });
    const okId = (await before.ps())[0]?.id;

    const failing = base()
      .volume('scratch')
      .service('bad', (s) => s.command(crasher).volume('scratch:/scratch').waitFor(Wait.forPort(9000)).port('0:9000'))
      .service('after', { command: idle(), depends_on: { bad: { condition: 'service_healthy' } } })
      .service('later', { command: idle(), depends_on: ['after'] });
    const error = await rejection(failing.up({ ...FAST, runtime: rt }));
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.service).toBe('bad');
    expect(error.exitCode).toBe(7);
    expect(error.reason).toMatch(/exit/);
    expect(error.logs).toHaveLength(50);
    expect(error.logs[0]).toBe('line 11');
    expect(error.logs.at(-1)).toBe('line 60');
    expect(error.skipped).toEqual(['after', 'later']);
    expect(error.rolledBack).toBe(true);
    expect(error.message).toContain('bad');

    const fresh = runtime(dir);
    const left = await fresh.listContainers(name);
    expect(left.map((c) => `${c.service}:${c.state}:${c.id}`)).toEqual([`ok:running:${okId}`]);
    expect((await fresh.listVolumes(name)).map((v) => v.name)).toEqual(['data']);
    await before.down({ volumes: true });
    expect(await fresh.listContainers(name)).toEqual([]);
    expect(await fresh.listNetworks(name)).toEqual([]);
    expect(await fresh.listVolumes(name)).toEqual([]);
  });

  test('a healthcheck that never passes: HealthTimeoutError with the health output', async () => {
    const dir = stateDir();
    const project = new Project(uniqueName('health')).service('db', {
      command: idle(),
      healthcheck: { test: 'echo not-ready-yet; exit 1', interval: '100ms', start_interval: '20ms', start_period: '200ms', retries: 1 },
    });
    const error = await rejection(project.up({ ...FAST, runtime: runtime(dir), timeout: 5_000 }));
    expect(isHealthTimeoutError(error)).toBe(true);
    if (!isHealthTimeoutError(error)) return;
    expect(error.service).toBe('db');
    expect(error.healthOutput).toContain('not-ready-yet');
    expect(await runtime(dir).listContainers(project.name)).toEqual([]);
  });

  test("onFailure: 'leave' keeps what the run made and says so", async () => {
    const dir = stateDir();
    const name = uniqueName('leave');
    const project = new Project(name)
      .service('ok', { command: idle() })
      .service('bad', (s) => s.command([NODE, '-e', 'process.exit(4)']).port('0:80').dependsOn('ok').waitFor(Wait.forPort(80)))
      .service('after', { command: idle(), depends_on: { bad: { condition: 'service_healthy' } } });
    const error = await rejection(project.up({ ...FAST, runtime: runtime(dir), onFailure: 'leave' }));
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.rolledBack).toBe(false);
    expect(error.leftRunning).toEqual(expect.arrayContaining(['bad', 'ok']));
    expect(error.skipped).toEqual(['after']);
    expect(error.message).toContain("onFailure: 'leave'");
    const left = await runtime(dir).listContainers(name);
    // Everything the run made is still there (the skipped service's container was created, never started).
    expect([...new Set(left.map((c) => c.service))].sort()).toEqual([...error.leftRunning].sort());
    expect(left.find((c) => c.service === 'ok')?.state).toBe('running');
    await project.down({ runtime: runtime(dir) });
    expect(await runtime(dir).listContainers(name)).toEqual([]);
  });

  test('abort mid-up: CancelledError, skipped services named, nothing of the run left', async () => {
    const dir = stateDir();
    const controller = new AbortController();
    const name = uniqueName('abort');
    const project = new Project(name)
      .volume('v')
      .service('slow', (s) => s.command(idle()).port('0:8080').volume('v:/v').waitFor(Wait.forPort(8080)))
      .service('after', { command: idle(), depends_on: { slow: { condition: 'service_healthy' } } });
    const error = await rejection(project.up({ ...FAST, runtime: runtime(dir), signal: controller.signal, onEvent: (e) => { if (e.type === 'service.started') controller.abort(); } }));
    expect(isCancelledError(error)).toBe(true);
    if (isCancelledError(error)) expect(error.skipped).toContain('after');
    const fresh = runtime(dir);
    expect(await fresh.listContainers(name)).toEqual([]);
    expect(await fresh.listNetworks(name)).toEqual([]);
    expect(await fresh.listVolumes(name)).toEqual([]);
  });

  test('an already aborted signal starts nothing', async () => {
    const dir = stateDir();
    const name = uniqueName('preabort');
    const error = await rejection(new Project(name).service('a', { command: idle() }).up({ ...FAST, runtime: runtime(dir), signal: AbortSignal.abort() }));
    expect(isCancelledError(error)).toBe(true);
    expect(await runtime(dir).listContainers(name)).toEqual([]);
  });

  test('the overall timeout fails a slow up with a HealthTimeoutError and rolls back', async () => {
    const dir = stateDir();
    const name = uniqueName('timeout');
    const error = await rejection(new Project(name).service('never', (s) => s.command(idle()).port('0:8080').waitFor(Wait.forPort(8080))).up({ ...FAST, runtime: runtime(dir), timeout: 300 }));
    expect(isHealthTimeoutError(error)).toBe(true);
    if (isHealthTimeoutError(error)) expect(error.service).toBe('never');
    expect(await runtime(dir).listContainers(name)).toEqual([]);
  });

  test('a second abort (forceSignal) kills at once what ignores SIGTERM', async () => {
    const dir = stateDir();
    const name = uniqueName('force');
    const first = new AbortController();
    const second = new AbortController();
    const stubborn = [NODE, '-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"];
    const project = new Project(name)
      .service('stubborn', (s) => s.command(stubborn).stopGracePeriod('60s').waitFor(Wait.forLog('up')))
      .service('slow', (s) => s.command(idle()).port('0:8080').dependsOn('stubborn', { condition: 'healthy' }).waitFor(Wait.forPort(8080)));
    const error = await rejection(
      project.up({
        ...FAST,
        runtime: runtime(dir),
        signal: first.signal,
        forceSignal: second.signal,
        onEvent: (e) => {
          if (e.type === 'service.started' && e.service === 'slow') first.abort();
          if (e.type === 'service.stopping') second.abort();
        },
      }),
    );
    expect(isCancelledError(error)).toBe(true);
    expect(await runtime(dir).listContainers(name)).toEqual([]);
  });

  test('the default runtime (no runtime given) is created and closed by up/down, and leaves nothing', async () => {
    const dir = stateDir();
    const previous = process.env['XDG_STATE_HOME'];
    process.env['XDG_STATE_HOME'] = dir;
    try {
      const project = new Project().service('a', { command: idle() });
      {
        await using stack = await project.up(FAST);
        expect((await stack.ps()).map((c) => c.state)).toEqual(['running']);
      }
      expect((await project.plan()).services.map((x) => `${x.name}:${x.action}`)).toEqual(['a:create']);
    } finally {
      if (previous === undefined) delete process.env['XDG_STATE_HOME'];
      else process.env['XDG_STATE_HOME'] = previous;
    }
  });
});
