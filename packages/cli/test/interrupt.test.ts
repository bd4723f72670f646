import { describe, expect, it } from 'vitest';
import { alive, startCli } from './support/cli.js';
import { node, STACK, stackSession } from './support/stack.js';

const s = stackSession();

describe('selur-compose and Ctrl-C (subprocess, process runtime)', { timeout: 120_000 }, () => {
  it('foreground up: Ctrl-C tears the stack down gracefully and exits 130, leaving nothing running', async () => {
    s.open(STACK);
    const upRun = startCli(['up'], { cwd: s.ws.dir, env: s.ws.env });
    await upRun.waitFor(/^web +\| web listening on \d+$/m);
    const pids = (await s.ps()).map((r) => r.pid!);
    expect(pids).toHaveLength(2);
    upRun.child.kill('SIGINT');
    const result = await upRun.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('stopping');
    expect(result.stderr).toMatch(/^down: removed 2 containers/m);
    expect(await s.ps()).toEqual([]);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('a second Ctrl-C forces: a service that ignores SIGTERM is killed at once instead of after its grace period', async () => {
    s.open(
      `version = "1.0"\n[services.stubborn]\nimage = "node"\nstop_grace_period = "60s"\ncommand = ${node("process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('stubborn up'); setInterval(() => {}, 1000)")}\n`,
    );
    const upRun = startCli(['up'], { cwd: s.ws.dir, env: s.ws.env });
    await upRun.waitFor(/stubborn \| stubborn up$/m);
    const pid = (await s.ps())[0]!.pid!;
    upRun.child.kill('SIGINT');
    await upRun.waitFor(/ignoring SIGTERM|stopping/);
    await new Promise((r) => setTimeout(r, 300));
    expect(upRun.child.exitCode).toBeNull(); // still waiting out the grace period
    upRun.child.kill('SIGINT');
    const result = await upRun.done;
    expect(result.code).toBe(130);
    expect(alive(pid)).toBe(false);
    expect(await s.ps()).toEqual([]);
  });

  it('Ctrl-C in the middle of up (a dependency never gets healthy) cancels, rolls back and exits 130', async () => {
    s.open(
      `version = "1.0"

[services.db]
image = "node"
command = ${node("console.log('db up'); setInterval(() => {}, 1000)")}
healthcheck = { test = "exit 1", interval = "1s", retries = 600, start_period = "0s" }

[services.web]
image = "node"
command = ${node('setInterval(() => {}, 1000)')}
depends_on = { db = { condition = "service_healthy" } }
`,
    );
    const upRun = startCli(['up', '-d', '--wait'], { cwd: s.ws.dir, env: s.ws.env });
    await upRun.waitFor(/^db {2}started$/m);
    const pid = (await s.ps()).find((r) => r.service === 'db')?.pid;
    expect(pid).toBeGreaterThan(0);
    upRun.child.kill('SIGINT');
    const result = await upRun.done;
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(await s.ps()).toEqual([]);
    expect(alive(pid!)).toBe(false);
  });
});
