import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from './support/cli.js';
import { get, node, stackSession } from './support/stack.js';

const s = stackSession();

/** A web service answering with site/index.html (relative to its working folder), synced from src/. */
const WATCHED = `version = "1.0"

[services.web]
image = "node"
command = ${node("require('http').createServer((q, r) => { try { r.end(require('fs').readFileSync('site/index.html', 'utf8')); } catch { r.end('missing'); } }).listen(+process.env.PORT, '127.0.0.1', () => console.log('web listening on ' + process.env.PORT))")}
ports = ["0:8080"]

[[services.web.develop.watch]]
path = "./src"
action = "sync"
target = "site"
initial_sync = true
`;

function project(): void {
  s.open(WATCHED);
  mkdirSync(join(s.ws.dir, 'src'));
  writeFileSync(join(s.ws.dir, 'src', 'index.html'), 'v1');
}

const port = async () => (await s.ps()).find((r) => r.service === 'web')!.ports[0]!.published;

describe('selur-compose watch and up --watch (subprocess, process runtime)', { timeout: 120_000 }, () => {
  it('watch: starts the stack, syncs a changed file into the service; Ctrl-C stops watching (exit 0, as logs -f) and leaves it running', async () => {
    project();
    const run = startCli(['watch'], { cwd: s.ws.dir, env: s.ws.env });
    await run.waitFor(/watching web \(1 path\)/);
    expect(await get(await port())).toBe('v1');
    writeFileSync(join(s.ws.dir, 'src', 'index.html'), 'v2');
    await run.waitFor(/^web synced 1 file change \(src\/index\.html\)$/m);
    expect(await get(await port())).toBe('v2');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect((await s.ps()).map((r) => r.state)).toEqual(['running']);
  });

  it('up --watch: follows the logs and syncs; Ctrl-C tears the stack down', async () => {
    project();
    const run = startCli(['up', '--watch'], { cwd: s.ws.dir, env: s.ws.env });
    await run.waitFor(/watching web/);
    await run.waitFor(/^web +\| web listening on \d+$/m);
    writeFileSync(join(s.ws.dir, 'src', 'index.html'), 'v3');
    await run.waitFor(/^web synced 1 file change \(src\/index\.html\)$/m);
    expect(await get(await port())).toBe('v3');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/^down: removed 1 container/m);
    expect(await s.ps()).toEqual([]);
  });

  it('watch --no-up: refuses services that are not running, starting nothing; watches them once up -d runs them', async () => {
    project();
    const stopped = await startCli(['watch', '--no-up'], { cwd: s.ws.dir, env: s.ws.env }).done;
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("watch --no-up: 'web' is not running: start it with 'selur-compose up -d web'");
    expect(await s.ps()).toEqual([]);

    expect((await startCli(['up', '-d'], { cwd: s.ws.dir, env: s.ws.env }).done).code).toBe(0);
    const before = (await s.ps()).map((r) => r.id);
    // --prune is Docker's: on host processes a note says it has nothing to do
    const run = startCli(['watch', '--no-up', '--prune', 'web'], { cwd: s.ws.dir, env: s.ws.env });
    await run.waitFor(/watching web \(1 path\)/);
    writeFileSync(join(s.ws.dir, 'src', 'index.html'), 'v4');
    await run.waitFor(/^web synced 1 file change \(src\/index\.html\)$/m);
    expect(await get(await port())).toBe('v4');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--prune has nothing to do: the process runtime keeps no images');
    // nothing was recreated
    expect((await s.ps()).map((r) => r.id)).toEqual(before);
  });

  it('refuses --prune with --no-prune as a usage error', async () => {
    project();
    const both = await startCli(['watch', '--prune', '--no-prune'], { cwd: s.ws.dir, env: s.ws.env }).done;
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--prune and --no-prune contradict each other');
    expect(await s.ps()).toEqual([]);
  });

  it('--compat watch: a field the process runtime cannot apply is one warning on stderr, and the stack is watched', async () => {
    s.open(WATCHED.replace('ports = ["0:8080"]', 'ports = ["0:8080"]\ncap_add = ["NET_ADMIN"]'));
    mkdirSync(join(s.ws.dir, 'src'));
    writeFileSync(join(s.ws.dir, 'src', 'index.html'), 'v1');
    const run = startCli(['--compat', 'watch'], { cwd: s.ws.dir, env: s.ws.env });
    await run.waitFor(/watching web \(1 path\)/);
    expect(await get(await port())).toBe('v1');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(0);
    const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([expect.stringMatching(/^warning: the process runtime cannot apply `cap_add` \(service 'web'\); running without it$/)]);
  });

  it('refuses, as a usage error, a project with nothing to watch', async () => {
    s.open(`version = "1.0"\n[services.idle]\nimage = "node"\ncommand = ${node('setInterval(() => {}, 1000)')}\n`);
    const nothing = await startCli(['watch'], { cwd: s.ws.dir, env: s.ws.env }).done;
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('has a develop.watch section: nothing to watch');
    const up = await startCli(['up', '--watch'], { cwd: s.ws.dir, env: s.ws.env }).done;
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('nothing to watch');
    expect(await s.ps()).toEqual([]);
  });

  it('refuses up -d --watch as a usage error before starting anything', async () => {
    project();
    const detached = await startCli(['up', '-d', '--watch'], { cwd: s.ws.dir, env: s.ws.env }).done;
    expect(detached.code).toBe(2);
    expect(detached.stderr).toContain('--watch runs in the foreground');
    expect(await s.ps()).toEqual([]);
  });
});
