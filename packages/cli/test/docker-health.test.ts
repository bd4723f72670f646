/**
 * One truth about health across processes (issue 14), through the CLI on Docker: `up -d --wait`
 * returns once the engine's probes pass, while Docker's own healthcheck waits a whole interval
 * before its first run and says `starting` until then. A `ps`, `inspect` or `events` run by a
 * later process reports what the engine observed; Docker's own later `unhealthy` still wins.
 */
import { dockerRuntime } from '@selur/compose-docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, workspace } from './support/cli.js';
import { ensureTestImage, TEST_IMAGE } from './support/docker.js';

const SERVICES = Array.from({ length: 10 }, (_, i) => `s${i}`);
const ws = workspace('selur-cli-docker-health-');
const project = `selurhealth-${process.pid}-${Date.now().toString(36)}`;
const cli = (args: string[]) => runCli(['--runtime', 'docker', '-p', project, ...args], { cwd: ws.dir, env: ws.env, timeoutMs: 120_000 });

interface Row {
  readonly id: string;
  readonly service: string;
  readonly state: string;
  readonly health: string;
  readonly status: string;
}

beforeAll(async () => {
  await ensureTestImage();
  // Ten services whose Docker healthcheck first runs after 60 s; the engine probes at once.
  const slow = SERVICES.map(
    (name) => `[services.${name}]
image = "${TEST_IMAGE}"
command = ["sh", "-c", "touch /tmp/ready; exec sleep 600"]
healthcheck = { test = "test -f /tmp/ready", interval = "60s", start_interval = "60s" }
`,
  );
  // One whose Docker healthcheck runs every second: it turns unhealthy once /tmp/ready is gone.
  const flaky = `[services.flaky]
image = "${TEST_IMAGE}"
command = ["sh", "-c", "touch /tmp/ready; exec sleep 600"]
healthcheck = { test = "test -f /tmp/ready", interval = "1s", retries = 1, start_interval = "1s" }
`;
  ws.write('compose.toml', `version = "1.0"\n\n${[...slow, flaky].join('\n')}`);
}, 120_000);

afterAll(async () => {
  await cli(['down', '-t', '0']);
  ws.remove();
}, 120_000);

describe('health seen by a later CLI process on Docker', () => {
  it('up -d --wait, then at once ps --format json says healthy for every service while Docker still says starting; inspect agrees', { timeout: 180_000 }, async () => {
    const up = await cli(['up', '-d', '--wait']);
    expect(up.code, up.stderr).toBe(0);

    const ps = await cli(['ps', '--format', 'json']);
    expect(ps.code, ps.stderr).toBe(0);
    const rows = JSON.parse(ps.stdout) as Row[];
    const slow = rows.filter((r) => r.service !== 'flaky');
    expect(slow.map((r) => [r.service, r.health, r.status])).toEqual(SERVICES.map((s) => [s, 'healthy', 'running (healthy)']));

    // What Docker itself said meanwhile: its first check of the slow ones is a minute away.
    const runtime = dockerRuntime();
    try {
      const raw = (await runtime.listContainers(project)).filter((c) => c.service !== 'flaky');
      expect(raw.map((c) => c.health)).toEqual(SERVICES.map(() => 'starting'));
    } finally {
      await runtime.close();
    }

    const inspect = await cli(['inspect', 's3', '--format', 'json']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ service: 's3', health: 'healthy', status: 'running (healthy)' });
    const table = await cli(['inspect', 's3']);
    expect(table.stdout).toMatch(/^health +healthy$/m);
  });

  it("events prints no 'starting' for what up saw healthy; Docker's own unhealthy later still wins in ps and events", { timeout: 120_000 }, async () => {
    const events = startCli(['--runtime', 'docker', '-p', project, 'events', '--json'], { cwd: ws.dir, env: ws.env, timeoutMs: 60_000 });
    try {
      // events prints changes from its first look on: let it take that look before anything changes
      await new Promise((r) => setTimeout(r, 2_000));
      const broken = await cli(['exec', 'flaky', 'rm', '/tmp/ready']);
      expect(broken.code, broken.stderr).toBe(0);
      let flaky: Row | undefined;
      for (let i = 0; i < 40; i++) {
        const ps = await cli(['ps', '--format', 'json']);
        flaky = (JSON.parse(ps.stdout) as Row[]).find((r) => r.service === 'flaky');
        if (flaky?.health === 'unhealthy') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(flaky).toMatchObject({ health: 'unhealthy', status: 'running (unhealthy)' });
      await events.waitFor(/"health":"unhealthy"/, 20_000);
    } finally {
      events.child.kill('SIGINT');
    }
    const done = await events.done;
    expect(done.code, done.stderr).toBe(0);
    const changes = done.stdout.trim().split('\n').map((l) => JSON.parse(l) as { service: string; action: string; health: string });
    expect(changes.filter((c) => c.action === 'health' && c.service !== 'flaky')).toEqual([]);
    expect(changes.filter((c) => c.health === 'starting')).toEqual([]);
    expect(changes.filter((c) => c.service === 'flaky').at(-1)).toMatchObject({ action: 'health', health: 'unhealthy' });
  });
});
