/**
 * Issue 14 through the CLI on the process runtime: waiting is visible (who holds the project's
 * lock, and how to stop waiting or cancel the holder), a finished one-shot is `completed (0)`, a
 * `ps` that stopped a dead owner's services says so, a failure's log lines are labelled with the
 * service that wrote them, and `up --no-wait-ports` opts out of port readiness.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, startCli } from './support/cli.js';
import { node, stackSession } from './support/stack.js';

const s = stackSession();

/** A service that becomes healthy only once `release` exists in the project folder. */
const HELD = (release: string) => `version = "1.0"

[services.gate]
image = "node"
command = ${node('setInterval(() => {}, 1000)')}
healthcheck = { test = "test -f ${release}", interval = "1s", retries = 600, start_interval = "50ms" }
`;

describe('waiting is visible (subprocess, process runtime)', { timeout: 120_000 }, () => {
  it('down names the up that holds the lock; Ctrl-C stops waiting (exit 130, nothing changed); kill -INT of that pid cancels the up and down goes on', async () => {
    const ws = s.open('');
    const release = join(ws.dir, 'release');
    ws.write('compose.toml', HELD(release));
    const up = startCli(['up', '-d', '--wait'], { cwd: ws.dir, env: ws.env, timeoutMs: 90_000 });
    await up.waitFor(/^gate {2}(starting|started)$/m);
    const upPid = up.child.pid!;

    // 1. A down that is told to stop waiting changes nothing.
    const patient = startCli(['down'], { cwd: ws.dir, env: ws.env, timeoutMs: 60_000 });
    await patient.waitFor(/waiting for/);
    const told = patient.output().stderr;
    expect(told).toMatch(new RegExp(`waiting for \`up\` of pid ${upPid}, started \\d+(\\.\\d+)?\\s?m?s ago \\(Ctrl-C stops waiting; kill -INT ${upPid} cancels that up\\)`));
    patient.child.kill('SIGINT');
    const stopped = await patient.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).not.toMatch(/removed|stopped/);
    expect(alive(upPid)).toBe(true);

    // 2. A second down waits; cancelling the up as it says lets the up roll back and the down finish.
    const down = startCli(['down'], { cwd: ws.dir, env: ws.env, timeoutMs: 60_000 });
    await down.waitFor(/waiting for `up` of pid/);
    process.kill(upPid, 'SIGINT');
    const upDone = await up.done;
    expect(upDone.code, upDone.stderr).toBe(130);
    const downDone = await down.done;
    expect(downDone.code, downDone.stderr).toBe(0);
    expect(downDone.stderr).toMatch(/^down: removed 0 containers/m);
    expect(await s.ps()).toEqual([]);
    expect(existsSync(release)).toBe(false);
  });

  it('a one-shot that finished is completed (0) in ps, table and JSON, never healthy', async () => {
    s.open(`version = "1.0"

[services.init]
image = "node"
command = ${node("console.log('schema ready')")}

[services.app]
image = "node"
command = ${node('setInterval(() => {}, 1000)')}
depends_on = { init = { condition = "service_completed_successfully" } }
`);
    const up = await s.cli(['up', '-d', '--wait']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/^init {2}completed \(0\)$/m);
    expect(up.stderr).not.toMatch(/^init {2}healthy$/m);
    const json = await s.cli(['ps', '-a', '--format', 'json']);
    const rows = JSON.parse(json.stdout) as { service: string; state: string; health: string; status: string; exitCode?: number }[];
    expect(rows.map((r) => [r.service, r.state, r.status, r.health])).toEqual([
      ['app', 'running', 'running', 'none'],
      ['init', 'exited', 'completed (0)', 'none'],
    ]);
    const table = await s.cli(['ps', '-a']);
    expect(table.stdout).toMatch(/^\S+ +init +completed \(0\) *$/m);
    expect(table.stdout).not.toMatch(/healthy/);
    const inspect = await s.cli(['inspect', 'init']);
    expect(inspect.stdout).toMatch(/^state +completed \(0\)$/m);
  });

  it("a ps that stops a dead owner's services says which, on stderr", async () => {
    const ws = s.open(`version = "1.0"

[services.api]
image = "node"
command = ${node('setInterval(() => {}, 1000)')}
`);
    // A foreground up owns its services; killed with SIGKILL, it cannot stop them.
    const up = startCli(['up'], { cwd: ws.dir, env: ws.env, timeoutMs: 60_000 });
    await up.waitFor(/attached to/);
    const [running] = await s.ps(false);
    expect(running?.pid).toBeGreaterThan(0);
    up.child.kill('SIGKILL');
    await up.done;
    expect(alive(running!.pid!)).toBe(true);

    const ps = await s.cli(['ps', '-a']);
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stderr).toMatch(/^warning: stopped api: the process that started it died without stopping it$/m);
    expect(ps.stdout).toMatch(/^\S+ +api +exited \(137\)/m);
    expect(alive(running!.pid!)).toBe(false);
    // Said once: the next ps has nothing to stop.
    const again = await s.cli(['ps', '-a']);
    expect(again.stderr).not.toMatch(/stopped api/);
  });

  it("a failed pg-init is printed with pg-init's own log lines, not as db's", async () => {
    s.open(`version = "1.0"

[services.pg-init]
image = "node"
command = ${node("console.error('init failed: role missing'); process.exit(2)")}

[services.db]
image = "node"
command = ${node('setInterval(() => {}, 1000)')}
depends_on = { pg-init = { condition = "service_completed_successfully" } }
`);
    const up = await s.cli(['up', '-d', '--wait']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/^ {2}last log lines of pg-init:$/m);
    expect(up.stderr).toMatch(/^ {4}\| init failed: role missing$/m);
    expect(up.stderr).not.toMatch(/last log lines of db/);
  });
});

describe('up --no-wait-ports (subprocess, process runtime)', { timeout: 120_000 }, () => {
  const SILENT = `version = "1.0"

[services.quiet]
image = "node"
command = ${node('setInterval(() => {}, 1000)')}
ports = ["0:8080"]
`;

  it('a service that publishes a port it never opens: --wait times out on the port, --no-wait-ports is ready once started', async () => {
    s.open(SILENT);
    const strict = await s.cli(['up', '-d', '--wait', '--wait-timeout', '1']);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/quiet/);
    expect(await s.ps()).toEqual([]);

    const lax = await s.cli(['up', '-d', '--wait', '--no-wait-ports']);
    expect(lax.code, lax.stderr).toBe(0);
    expect(lax.stderr).toMatch(/^quiet {2}(started|healthy)$/m);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([['quiet', 'running']]);
  });
});

// Keep the helper honest: the release file is what makes `gate` healthy.
it('HELD becomes healthy once its release file exists', async () => {
  const ws = s.open('');
  const release = join(ws.dir, 'release');
  ws.write('compose.toml', HELD(release));
  const up = startCli(['up', '-d', '--wait'], { cwd: ws.dir, env: ws.env, timeoutMs: 60_000 });
  await up.waitFor(/^gate {2}(starting|started)$/m);
  writeFileSync(release, '');
  const done = await up.done;
  expect(done.code, done.stderr).toBe(0);
  expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([['gate', 'running']]);
}, 60_000);
