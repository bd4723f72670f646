import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs an example script as a user would (`node --import tsx <file>`), bounded by `timeout` ms. */
function run(file: string, args: readonly string[] = [], timeout = 60_000, nodeOptions: readonly string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', ...nodeOptions, file, ...args], { cwd: root, timeout, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(); // no terminal: a script that would ask must not wait
  });
}

// Every example under examples/ is executed here (the vitest harness example is a test file of the
// `core` project itself), so none can rot. Only host processes on 127.0.0.1; no Docker, no cluster.
describe('examples', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('quickstart: deploys, uses and tears down the stack, leaving nothing behind', async () => {
    const { code, stdout } = await run('examples/quickstart/deploy.ts');
    expect(code).toBe(0);
    expect(stdout).toContain('GET /items');
    expect(stdout).toContain('left behind: 0 containers');
  });

  it('web-api-cache/run.ts: the stack declared in TypeScript counts visits', async () => {
    const { code, stdout } = await run('examples/web-api-cache/run.ts');
    expect(code).toBe(0);
    expect(stdout).toContain('visit number 2');
    expect(stdout).toContain('cache counter: 2');
  });

  it('web-api-cache/yaml.ts: the same stack from compose.yaml', async () => {
    const { code, stdout } = await run('examples/web-api-cache/yaml.ts');
    expect(code).toBe(0);
    expect(stdout).toContain("loaded 'web-api-cache-yaml': api, cache, web");
    expect(stdout).toContain('visit number 1');
  });

  it('web-api-cache/any-ports.ts: two copies on free ports, each service finding its dependency through <DEP>_HOST and <DEP>_PORT', async () => {
    const { code, stdout, stderr } = await run('examples/web-api-cache/any-ports.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/first: GET http:\/\/127\.0\.0\.1:\d+ -> <h1>Hello<\/h1><p>visit number 1<\/p>/);
    expect(stdout).toMatch(/second: GET http:\/\/127\.0\.0\.1:\d+ -> <h1>Hello<\/h1><p>visit number 3<\/p>/);
  });

  it("real-stack/run.ts: Debian's PostgreSQL, Redis and nginx in front of a Node app, a request through all of them, nothing left", async () => {
    // Needs root and apt-get install postgresql redis-server nginx (.ci/run); fails, never skips, without.
    const { code, stdout, stderr } = await run('examples/real-stack/run.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/GET http:\/\/127\.0\.0\.1:\d+ -> \{"visits":1,"visitId":1,"postgres":"\d+\.\d+ \(Debian[^"]*","redis":"\d+\.\d+\.\d+"\}/);
    expect(stdout).toContain('"visits":2,"visitId":2');
    expect(stdout).toMatch(/^pg-init\s+completed \(0\)$/m);
    expect(stdout).toMatch(/^db\s+running \(healthy\)$/m);
    expect(stdout).toContain('down: 0 containers left');
  });

  it('deploy-script: refuses without review, deploys with --yes, is idempotent, tears down', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'selur-examples-deploy-'));
    dirs.push(stateDir);
    const script = 'examples/deploy-script/deploy.ts';
    const refused = await run(script, ['--state-dir', stateDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to deploy without review');
    expect((await run(script, ['--bogus'])).code).toBe(2);
    const deployed = await run(script, ['--yes', '--state-dir', stateDir]);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toContain("deployed 'quickstart': api=running");
    const again = await run(script, ['--state-dir', stateDir]);
    expect(again.stdout).toContain('quickstart: no changes');
    expect(again.code).toBe(0);
    const down = await run(script, ['--down', '--state-dir', stateDir]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain("removed 'quickstart'");
  }, 120_000);

  it('deploy-script: a failing deploy prints the typed error and rolls back everything it created', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'selur-examples-broken-'));
    dirs.push(stateDir);
    const script = 'examples/deploy-script/deploy.ts';
    const failed = await run(script, ['--yes', '-f', 'examples/deploy-script/broken.toml', '--state-dir', stateDir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("E_DEPENDENCY_FAILED: api: dependency 'migrate' failed");
    expect(failed.stderr).toContain('migrate: table users already exists');
    expect(failed.stderr).toContain('rolled back: true');
    const after = await run(script, ['-f', 'examples/deploy-script/broken.toml', '--state-dir', stateDir]);
    expect(after.stdout).toContain('plan broken-deploy: 4 create'); // nothing was left behind
  }, 120_000);

  it('event-tool: prints a row per service with its phases', async () => {
    const { code, stdout } = await run('examples/event-tool/timeline.ts');
    expect(code).toBe(0);
    for (const service of ['api', 'migrate', 'worker']) expect(stdout).toMatch(new RegExp(`^${service}\\s+(-|\\d+)\\s+\\d+\\s+\\d+`, 'm'));
  });

  it('node-test-harness: the node:test suites pass, and leave nothing running', async () => {
    const { code, stdout, stderr } = await run('examples/node-test-harness/web.node-test.ts', [], 90_000, ['--test', '--test-reporter=tap']);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('# pass 4');
    expect(stdout).toContain('# fail 0');
  }, 120_000);

  it('jest-harness: the Jest suite passes against a build of @selur/compose', async () => {
    // A build of its own (not dist/, which the CLI tests build at the same time), inside the package
    // so that its dependencies resolve; the spawners' helper files sit beside the bundle.
    const out = join(root, 'packages/compose/.jest-dist');
    rmSync(out, { recursive: true, force: true });
    execFileSync(join(root, 'node_modules/.bin/tsup'), ['src/index.ts', '--format', 'esm', '--platform', 'node', '--target', 'node20', '--no-dts', '--no-config', '--silent', '--out-dir', out], { cwd: join(root, 'packages/compose'), stdio: 'pipe' });
    for (const helper of ['zygote.pl', 'spawn-worker.cjs']) copyFileSync(join(root, 'packages/compose/src/adapters/process/spawn', helper), join(out, helper));
    dirs.push(out);
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile(process.execPath, ['--experimental-vm-modules', join(root, 'examples/node_modules/jest/bin/jest.js'), '--config', 'examples/jest-harness/jest.config.mjs', '--ci'], { cwd: root, env: { ...process.env, SELUR_COMPOSE_ENTRY: join(out, 'index.js') }, timeout: 90_000, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, output: `${stdout}\n${stderr}` });
      });
      child.stdin?.end();
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests:\s+2 passed, 2 total/);
  }, 150_000);

  it('otel: prints the span tree of an up and a down', async () => {
    const { code, stdout, stderr } = await run('examples/otel/trace.ts');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^compose up \(ok\)$/m);
    expect(stdout).toMatch(/^ {2}service api \(ok\)$/m);
    expect(stdout).toMatch(/^ {4}wait-healthy api \(ok\)$/m);
    expect(stdout).toMatch(/^compose down \(ok\)$/m);
  });

  it('kubernetes: converts the YAML stack into manifests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'selur-examples-k8s-'));
    dirs.push(dir);
    const out = join(dir, 'stack.yaml');
    const { code, stderr } = await run('examples/kubernetes/to-kubernetes.ts', [out]);
    expect(code, stderr).toBe(0);
    const yaml = readFileSync(out, 'utf8');
    for (const service of ['web', 'api', 'cache']) expect(yaml).toMatch(new RegExp(`kind: Deployment\\nmetadata:\\n  name: ${service}\\n`));
    expect(yaml).toContain('kind: Namespace');
  });
});
