import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, workspace } from './support/cli.js';
import { EngineClient, resolveEngineAddress } from '@selur/compose-docker/engine';
import { ensureTestImage, TEST_IMAGE } from './support/docker.js';

const ws = workspace('selur-cli-docker-watch-');
const project = `selurcliwatch-${process.pid}-${Date.now().toString(36)}`;
const tag = `selur-compose-test/cli-watch-${process.pid}:latest`;
const args = (rest: string[]) => ['--runtime', 'docker', '-p', project, ...rest];
const cli = (rest: string[]) => runCli(args(rest), { cwd: ws.dir, env: ws.env, timeoutMs: 120_000 });

beforeAll(async () => {
  await ensureTestImage();
  mkdirSync(join(ws.dir, 'src'));
  writeFileSync(join(ws.dir, 'src', 'index.html'), 'v1');
  writeFileSync(join(ws.dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY src /app\n`);
  ws.write(
    'compose.toml',
    `version = "1.0"

[services.web]
image = "${tag}"
build = { context = "." }
command = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]
stop_grace_period = "2s"

[[services.web.develop.watch]]
path = "./src"
action = "sync"
target = "/app"
`,
  );
}, 120_000);

afterAll(async () => {
  await cli(['down', '-t', '1']);
  const client = new EngineClient(resolveEngineAddress(undefined), undefined);
  await client.json('DELETE', `/images/${encodeURIComponent(tag)}`, { query: { force: true } }).catch(() => undefined);
  client.close();
  ws.remove();
}, 120_000);

describe('selur-compose watch on Docker (subprocess)', () => {
  it('builds the image, starts the service, and syncs a changed file into the running container; Ctrl-C leaves it running', async () => {
    const run = startCli(args(['watch']), { cwd: ws.dir, env: ws.env, timeoutMs: 120_000 });
    await run.waitFor(/built web/, 90_000);
    await run.waitFor(/watching web \(1 path\)/, 90_000);
    const first = await cli(['exec', 'web', 'cat', '/app/index.html']);
    expect(first.stdout).toBe('v1');
    writeFileSync(join(ws.dir, 'src', 'index.html'), 'v2');
    await run.waitFor(/^web synced 1 file change/m, 30_000);
    const second = await cli(['exec', 'web', 'cat', '/app/index.html']);
    expect(second.stdout).toBe('v2');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const ps = await cli(['ps', '--format', 'json']);
    expect((JSON.parse(ps.stdout) as { state: string }[]).map((r) => r.state)).toEqual(['running']);
  });
});
