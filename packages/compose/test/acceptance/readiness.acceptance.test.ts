/**
 * Issue 3, readiness on processRuntime: each wait strategy, healthchecks, dependency conditions
 * (`service_healthy`, `service_completed_successfully`): a dependant starts only once its
 * dependency's condition holds.
 */
import { get } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isDependencyFailedError, isHealthTimeoutError, isServiceExitedError, isServiceFailureError, type WaitStrategy } from '@selur/compose';
import { FAST, NODE, cleanup, idle, printer, recorder, rejection, runtime, server, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

/** Up `dep` (with `wait`), then `after` depending on it being healthy; returns the event order. */
async function orderWith(command: string[], wait: WaitStrategy | undefined, extra: Record<string, unknown> = {}): Promise<string[]> {
  const rt = runtime();
  const rec = recorder();
  const project = new Project(uniqueName('ready')).service('dep', (s) => {
    s.command(command).port('0:8080');
    if (wait) s.waitFor(wait);
    return s;
  });
  if (extra['healthcheck']) project.service('dep', { command, ports: ['0:8080'], healthcheck: extra['healthcheck'] as never });
  project.service('after', { command: idle(), depends_on: { dep: { condition: 'service_healthy' } } });
  const stack = await project.up({ ...FAST, runtime: rt, onEvent: rec.onEvent });
  await stack.down();
  return rec.types((e) => e.type === 'service.healthy' || e.type === 'service.starting' || e.type === 'service.started');
}

function expectReadyBeforeDependant(order: string[]): void {
  expect(order).toContain('service.healthy:dep');
  expect(order.indexOf('service.started:dep')).toBeLessThan(order.indexOf('service.healthy:dep'));
  expect(order.indexOf('service.healthy:dep')).toBeLessThan(order.indexOf('service.starting:after'));
}

describe('readiness (issue 3)', () => {
  test('a healthcheck command (with start_interval) gates service_healthy', async () => {
    const probe = `${JSON.stringify(NODE)} -e "require('net').connect(+process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;
    expectReadyBeforeDependant(await orderWith(server(50), undefined, { healthcheck: { test: probe, interval: '30s', start_interval: '20ms', start_period: '10s', retries: 3 } }));
  });

  test('Wait.forPort', async () => {
    expectReadyBeforeDependant(await orderWith(server(50), Wait.forPort(8080)));
  });

  test('Wait.forHttp with status and body', async () => {
    expectReadyBeforeDependant(await orderWith(server(50), Wait.forHttp('/health', { port: 8080, status: 200, body: 'ok' })));
  });

  test('Wait.forHttp with a body that never matches times out with a HealthTimeoutError', async () => {
    const error = await rejection(
      new Project(uniqueName('http')).service('web', (s) => s.command(server()).port('0:8080').waitFor(Wait.forHttp('/health', { port: 8080, body: 'never' }).withTimeout(400))).up({ ...FAST, runtime: runtime() }),
    );
    expect(isHealthTimeoutError(error)).toBe(true);
  });

  test('Wait.forLog counts matching lines (times)', async () => {
    const twice = [NODE, '-e', "console.log('ready'); setTimeout(() => console.log('ready'), 50); setInterval(() => {}, 1000)"];
    expectReadyBeforeDependant(await orderWith(twice, Wait.forLog(/ready/, { times: 2 })));
    const error = await rejection(new Project(uniqueName('log')).service('once', (s) => s.command(printer('ready')).waitFor(Wait.forLog(/ready/, { times: 2 }).withTimeout(400))).up({ ...FAST, runtime: runtime() }));
    expect(isHealthTimeoutError(error)).toBe(true);
    if (isHealthTimeoutError(error)) expect(error.service).toBe('once');
  });

  test('Wait.forCommand runs in the service until it exits 0', async () => {
    const marker = join(stateDir(), 'ready.flag');
    const writer = [NODE, '-e', `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'), 50); setInterval(() => {}, 1000)`];
    expectReadyBeforeDependant(await orderWith(writer, Wait.forCommand([NODE, '-e', `require('fs').accessSync(${JSON.stringify(marker)})`])));
  });

  test('Wait.forAll needs every strategy', async () => {
    expectReadyBeforeDependant(await orderWith(server(30), Wait.forAll(Wait.forPort(8080), Wait.forLog('listening'))));
  });

  test("the object form takes waitFor with every Wait strategy", async () => {
    const rt = runtime();
    const rec = recorder();
    const project = new Project(uniqueName('aliases'))
      .service('migrate', { command: [NODE, '-e', 'setTimeout(() => {}, 30)'], waitFor: Wait.forExitZero() })
      .service('db', { command: server(20), ports: ['0:5432'], waitFor: Wait.forPort(5432), depends_on: { migrate: { condition: 'service_completed_successfully' } } })
      .service('api', { command: server(20), ports: ['0:8080'], waitFor: Wait.forHttp('/health', { port: 8080, body: 'ok' }), depends_on: { db: { condition: 'service_healthy' } } })
      .service('worker', { command: printer('ready'), waitFor: Wait.forLog(/ready/), depends_on: { api: { condition: 'service_healthy' } } })
      .service('probe', { command: idle(), waitFor: Wait.forCommand([NODE, '-e', '0']), depends_on: { worker: { condition: 'service_healthy' } } });
    expect([...project.waitStrategies()].map(([n, w]) => `${n}:${w.kind}`)).toEqual(['api:http', 'db:port', 'migrate:exit-zero', 'probe:command', 'worker:log']);
    const stack = await project.up({ ...FAST, runtime: rt, onEvent: rec.onEvent });
    const healthy = rec.types((e) => e.type === 'service.healthy');
    expect(healthy).toEqual(['service.healthy:migrate', 'service.healthy:db', 'service.healthy:api', 'service.healthy:worker', 'service.healthy:probe']);
    await stack.down();
  });

  test('service_completed_successfully: the dependant starts after the one-shot job exits 0', async () => {
    const rt = runtime();
    const rec = recorder();
    const flag = join(stateDir(), 'migrated');
    const project = new Project(uniqueName('oneshot'))
      .service('migrate', (s) => s.command([NODE, '-e', `setTimeout(() => { require('fs').writeFileSync(${JSON.stringify(flag)}, 'done'); }, 50)`]).waitFor(Wait.forExitZero()))
      .service('api', { command: [NODE, '-e', `require('fs').accessSync(${JSON.stringify(flag)}); setInterval(() => {}, 1000)`], depends_on: { migrate: { condition: 'service_completed_successfully' } } });
    const stack = await project.up({ ...FAST, runtime: rt, onEvent: rec.onEvent });
    const ps = await stack.ps();
    expect(ps.find((c) => c.service === 'api')?.state).toBe('running');
    expect(ps.find((c) => c.service === 'migrate')).toMatchObject({ state: 'exited', exitCode: 0 });
    const order = rec.types();
    // api reads the flag migrate writes just before exiting: its running state proves the order.
    expect(order).toContain('service.healthy:migrate');
    expect(order.indexOf('service.started:migrate')).toBeLessThan(order.indexOf('service.starting:api'));
    await stack.down();
  });

  test('a one-shot job exiting non-zero fails the up with its exit code and skips its dependants', async () => {
    const project = new Project(uniqueName('oneshot-fail'))
      .service('migrate', { command: [NODE, '-e', "console.error('migration failed'); process.exit(3)"] })
      .service('api', { command: idle(), depends_on: { migrate: { condition: 'service_completed_successfully' } } });
    const rec = recorder();
    const error = await rejection(project.up({ ...FAST, runtime: runtime(), onEvent: rec.onEvent }));
    // Either the job's own failure or its dependant's, both typed and carrying the job's exit code and output.
    expect(isServiceExitedError(error) || isDependencyFailedError(error)).toBe(true);
    if (!isServiceFailureError(error)) return;
    if (isDependencyFailedError(error)) expect([error.service, error.dependency]).toEqual(['api', 'migrate']);
    else expect(error.service).toBe('migrate');
    expect(error.exitCode).toBe(3);
    expect(error.logs).toContain('migration failed');
    expect(error.message).toContain('migrate');
    // A one-shot job is never reported ready before it has exited 0.
    expect(rec.types()).not.toContain('service.healthy:migrate');
    expect(rec.types()).not.toContain('service.starting:api');
  });

  test('wait: false returns without waiting for readiness nobody needs', async () => {
    const rec = recorder();
    const stack = await new Project(uniqueName('nowait'))
      .service('slow', (s) => s.command(idle()).port('0:8080').waitFor(Wait.forPort(8080).withTimeout(60_000)))
      .up({ ...FAST, runtime: runtime(), wait: false, onEvent: rec.onEvent });
    expect(rec.types()).toContain('service.started:slow');
    expect(rec.types()).not.toContain('service.healthy:slow');
    await stack.down();
  });

  test('with neither healthcheck nor wait strategy, a service is ready once its published port answers: a request right after up succeeds', async () => {
    // The server binds its port 300 ms after it starts; up() must not resolve before that.
    const stack = await new Project(uniqueName('portready')).service('web', { command: server(300), ports: ['0:8080'] }).up({ ...FAST, runtime: runtime() });
    const port = (await stack.ps())[0]?.ports[0]?.published ?? 0;
    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', timeout: 2_000 }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toBe('hello ');
    await stack.down();
  });

  test('Wait.none() opts a service out of the port readiness: up resolves while nothing listens yet', async () => {
    const rec = recorder();
    const stack = await new Project(uniqueName('noneready'))
      .service('web', (s) => s.command(idle()).port('0:8080').waitFor(Wait.none()))
      .up({ ...FAST, runtime: runtime(), timeout: 10_000, onEvent: rec.onEvent });
    expect(rec.types()).toContain('service.healthy:web');
    await stack.down();
  });
});
