import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from './support/cli.js';
import { ensureTestImage, TEST_IMAGE } from './support/docker.js';

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const ws = workspace('selur-cli-docker-');
const project = `selurcli-${process.pid}-${Date.now().toString(36)}`;
const cli = (args: string[]) => runCli(['--runtime', 'docker', '-p', project, ...args], { cwd: ws.dir, env: ws.env, timeoutMs: 120_000 });

beforeAll(async () => {
  await ensureTestImage();
  ws.write(
    'compose.toml',
    `version = "1.0"

[services.web]
image = "${TEST_IMAGE}"
command = ["sh", "-c", "echo hello from docker > /www/index.html && echo web ready && exec httpd -f -p 8080 -h /www"]
ports = ["0:8080"]
healthcheck = { test = "wget -q -O /dev/null http://127.0.0.1:8080/", interval = "1s", retries = 30, start_interval = "200ms" }

[services.job]
image = "${TEST_IMAGE}"
command = ["sh", "-c", "echo job done"]
`,
  );
}, 120_000);

afterAll(async () => {
  await cli(['down', '-t', '1']);
  ws.remove();
}, 120_000);

describe('selur-compose on Docker (subprocess)', () => {
  it('up -d --wait → ps --format json → logs → exec → down', async () => {
    const up = await cli(['up', '-d', '--wait', 'web']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/^web {2}healthy$/m);

    type Row = { service: string; state: string; health: string; ports: { target: number; host: string; published: number }[] };
    const list = async () => {
      const ps = await cli(['ps', '--format', 'json']);
      expect(ps.code, ps.stderr).toBe(0);
      return JSON.parse(ps.stdout) as Row[];
    };
    // The engine saw its own probe pass; Docker's healthcheck may report a moment later.
    let rows = await list();
    for (let i = 0; i < 20 && rows[0]?.health === 'starting'; i++) rows = await list();
    expect(rows.map((r) => [r.service, r.state, r.health])).toEqual([['web', 'running', 'healthy']]);
    const port = rows[0]!.ports.find((p) => p.target === 8080)!;
    expect(port.host).toBe('127.0.0.1');
    expect(await get(port.published)).toBe('hello from docker\n');

    const logs = await cli(['logs', 'web']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^web \| web ready$/m);

    const exec = await cli(['exec', 'web', 'cat', '/www/index.html']);
    expect(exec).toMatchObject({ code: 0, stdout: 'hello from docker\n' });
    const failing = await cli(['exec', 'web', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(failing).toMatchObject({ code: 3, stderr: 'oops\n' });
    // -u: the engine runs the command as that user (the busybox image has no passwd file: a uid)
    const asUser = await cli(['exec', '-u', '1234:5678', 'web', 'id', '-u']);
    expect(asUser).toMatchObject({ code: 0, stdout: '1234\n' });

    const health = await cli(['health']);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toMatch(/^web +healthy +0/m);

    const pause = await cli(['pause', 'web']);
    expect(pause.code, pause.stderr).toBe(0);
    expect((await list()).map((r) => r.state)).toEqual(['paused']);
    const unpause = await cli(['unpause']);
    expect(unpause.code, unpause.stderr).toBe(0);
    expect((await list()).map((r) => r.state)).toEqual(['running']);

    // ls: every project on the engine (other suites' too); ours with its one running container
    const ls = await cli(['ls', '--format', 'json']);
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as { name: string }[]).find((p) => p.name === project)).toEqual({ name: project, containers: 1, states: { running: 1 } });

    const down = await cli(['down', '-t', '2']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse((await cli(['ps', '-a', '--format', 'json'])).stdout)).toEqual([]);
    expect((await cli(['ls', '-a', '-q'])).stdout.split('\n')).not.toContain(project);
  }, 180_000);

  it('run --rm exits with the command\'s code and leaves no container', async () => {
    const run = await cli(['run', '--rm', 'job', 'sh', '-c', 'echo one-off; exit 4']);
    expect(run.stdout).toContain('one-off\n');
    expect(run.code, run.stderr).toBe(4);
    expect(JSON.parse((await cli(['ps', '-a', '--format', 'json'])).stdout)).toEqual([]);
  }, 180_000);
});
