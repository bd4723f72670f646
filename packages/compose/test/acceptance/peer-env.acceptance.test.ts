/**
 * Issue 14, "services find each other": on the process runtime (services share the host's
 * network) every service gets the published addresses of the services it depends on —
 * `<DEP>_HOST`, `<DEP>_PORT` (its first port) and `<DEP>_PORT_<target>` — so a dependency can
 * publish `0:5432` (a free port) and parallel stacks never collide.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait } from '@selur/compose';
import { FAST, NODE, cleanup, idle, runtime, server, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

/** The environment of a service's process, read through exec (which runs with it). */
async function envOf(stack: { exec(service: string, command: readonly string[]): Promise<{ stdout: string }> }, service: string): Promise<Record<string, string>> {
  const { stdout } = await stack.exec(service, [NODE, '-e', 'process.stdout.write(JSON.stringify(process.env))']);
  return JSON.parse(stdout) as Record<string, string>;
}

describe('services find each other on the process runtime (issue 14)', () => {
  test('a dependant gets <DEP>_HOST, <DEP>_PORT and <DEP>_PORT_<target> of each dependency, matching what the dependency publishes', async () => {
    await using stack = await new Project(uniqueName('peers'))
      .service('my-db', (s) => s.command(server()).ports(['0:5432', '0:9187', '0:5353/udp']).waitFor(Wait.forPort(5432)))
      .service('cache', (s) => s.command(server()).port('0:6379').waitFor(Wait.forPort(6379)))
      .service('app', (s) =>
        s
          .command([NODE, '-e', "require('net').connect(+process.env.MY_DB_PORT, process.env.MY_DB_HOST).on('connect', () => console.log('reached db')); setInterval(() => {}, 1000)"])
          .dependsOn('my-db', { condition: 'healthy' })
          .dependsOn('cache')
          .waitFor(Wait.forLog('reached db').withTimeout(10_000)),
      )
      .up({ ...FAST, runtime: runtime() });
    const db = stack.service('my-db');
    const env = await envOf(stack, 'app');
    expect(env['MY_DB_HOST']).toBe('127.0.0.1');
    expect(env['MY_DB_PORT']).toBe(String(db.endpoint(5432).port));
    expect(env['MY_DB_PORT_5432']).toBe(String(db.endpoint(5432).port));
    expect(env['MY_DB_PORT_9187']).toBe(String(db.endpoint(9187).port));
    expect(Number(env['MY_DB_PORT_5353_UDP'])).toBeGreaterThan(0);
    expect(env['CACHE_PORT']).toBe(String(stack.service('cache').endpoint(6379).port));
    // A service gets only its own dependencies' addresses.
    expect((await envOf(stack, 'cache'))['MY_DB_PORT']).toBeUndefined();
  });

  test("what a service sets itself wins over a dependency's address", async () => {
    await using stack = await new Project(uniqueName('peers-own'))
      .service('db', (s) => s.command(server()).port('0:5432').waitFor(Wait.forPort(5432)))
      .service('app', (s) => s.command(idle()).env({ DB_HOST: 'db.internal' }).dependsOn('db', { condition: 'healthy' }))
      .up({ ...FAST, runtime: runtime() });
    const env = await envOf(stack, 'app');
    expect(env['DB_HOST']).toBe('db.internal');
    expect(env['DB_PORT']).toBe(String(stack.service('db').endpoint(5432).port));
  });

  test('a dependency already running (not part of this up) is found too', async () => {
    const dir = stateDir();
    const name = uniqueName('peers-later');
    const project = new Project(name)
      .service('db', (s) => s.command(server()).port('0:5432').waitFor(Wait.forPort(5432)))
      .service('app', (s) => s.command(idle()).dependsOn('db'));
    const rt = runtime(dir);
    await using first = await project.up({ ...FAST, runtime: rt, services: ['db'] });
    await using stack = await project.up({ ...FAST, runtime: rt, services: ['app'], noDeps: true });
    expect((await envOf(stack, 'app'))['DB_PORT']).toBe(String(first.service('db').endpoint(5432).port));
  });
});
