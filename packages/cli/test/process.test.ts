import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, startCli } from './support/cli.js';
import { get, node, STACK, stackSession, type PsRow } from './support/stack.js';

const s = stackSession();

describe('selur-compose on the process runtime (subprocess)', { timeout: 120_000 }, () => {
  it('up -d → ps --format json → logs → exec → down, across processes', async () => {
    s.open(STACK);

    const up = await s.cli(['up', '-d', '--wait']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/^web {2}waiting on db$/m);
    expect(up.stderr).toMatch(/^web {2}started$/m);
    expect(up.stdout).toBe('');

    const rows = await s.ps();
    expect(rows.map((r) => [r.service, r.replica, r.state])).toEqual([
      ['db', 1, 'running'],
      ['web', 1, 'running'],
    ]);
    const web = rows.find((r) => r.service === 'web')!;
    expect(web.ports[0]).toMatchObject({ target: 8080, host: '127.0.0.1' });
    expect(web.ports[0]!.published).toBeGreaterThan(0);
    expect(await get(web.ports[0]!.published)).toBe('hello from web');

    // The services' output outlives the `up -d` process: another process reads it.
    let logs = await s.cli(['logs']);
    for (let i = 0; i < 10 && !/web listening/.test(logs.stdout); i++) logs = await s.cli(['logs']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^db {2}\| db listening on \d+$/m);
    expect(logs.stdout).toContain(`web | web listening on ${web.ports[0]!.published}\n`);

    const exec = await s.cli(['exec', 'web', 'node', '-e', 'console.log("port=" + process.env.PORT); process.exit(7)']);
    expect(exec.code).toBe(7);
    expect(exec.stdout).toBe(`port=${web.ports[0]!.published}\n`);
    // -u runs the command as another user (as root, through setpriv; otherwise refused by name)
    const root = process.getuid?.() === 0;
    const asUser = await s.cli(['exec', '-u', '1234', 'web', 'node', '-e', 'console.log(process.getuid())']);
    if (root) {
      expect(asUser.code, asUser.stderr).toBe(0);
      expect(asUser.stdout).toBe('1234\n');
    } else {
      expect(asUser.code).not.toBe(0);
      expect(asUser.stderr).toMatch(/1234/);
    }
    // --privileged has no meaning for a host process: refused by name, nothing run
    const privileged = await s.cli(['exec', '--privileged', 'web', 'node', '-e', 'process.exit(0)']);
    expect(privileged.code).toBe(4);
    expect(privileged.stderr).toContain('exec --privileged');

    const table = await s.cli(['ps']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME +SERVICE +STATE +HEALTH +PORTS$/);
    expect(table.stdout).toContain(`127.0.0.1:${web.ports[0]!.published}->8080/tcp`);

    const pids = rows.map((r) => r.pid!);
    const down = await s.cli(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/^down: removed 2 containers, 1 network, 0 volumes$/m);
    // web (the dependant) stops before db.
    expect(down.stderr.indexOf('web  stopped')).toBeLessThan(down.stderr.indexOf('db  stopped'));
    expect(await s.ps()).toEqual([]);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('create makes the containers without starting them; start then runs them', async () => {
    s.open(STACK);
    const create = await s.cli(['create']);
    expect(create.code, create.stderr).toBe(0);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([
      ['db', 'created'],
      ['web', 'created'],
    ]);
    const start = await s.cli(['start']);
    expect(start.code, start.stderr).toBe(0);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([
      ['db', 'running'],
      ['web', 'running'],
    ]);
    expect((await s.cli(['down'])).code).toBe(0);
  });

  it('up -d leaves a chatty service running, with its output in logs, after the CLI exits', async () => {
    s.open(`version = "1.0"\n[services.tick]\nimage = "node"\ncommand = ${node("setInterval(() => console.log('tick'), 100)")}\n`);
    expect((await s.cli(['up', '-d'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await s.ps()).map((r) => r.state)).toEqual(['running']);
    expect((await s.cli(['logs', '--tail', '1'])).stdout).toBe('tick | tick\n');
    // Following from another process: new lines keep coming until Ctrl-C, which ends it with 0.
    const follow = startCli(['logs', '-f', '--tail', '0', '--timestamps'], { cwd: s.ws.dir, env: s.ws.env });
    await follow.waitFor(/(tick \| \d{4}-\d\d-\d\dT[\d:.]+Z tick\n){3}/);
    follow.child.kill('SIGINT');
    expect((await follow.done).code).toBe(0);
  });

  it('logs shows what the services printed, prefixed by service', async () => {
    s.open(STACK);
    // Foreground up keeps the owner process alive while the services print.
    const upRun = startCli(['up'], { cwd: s.ws.dir, env: s.ws.env });
    await upRun.waitFor(/^web +\| web listening on \d+$/m);
    const logs = await s.cli(['logs']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^db {2}\| db listening on \d+$/m);
    expect(logs.stdout).toMatch(/^web \| web listening on \d+$/m);
    const tail = await s.cli(['logs', '--tail', '1', '--no-prefix', 'web']);
    expect(tail.stdout).toMatch(/^web listening on \d+\n$/);
    upRun.child.kill('SIGINT');
    expect((await upRun.done).code).toBe(130);
  });

  it("up (attached) and logs hide the values of the project's secret files, as the SDK's log events do", async () => {
    const secret = 's3cr3t-cli-value';
    s.open(`version = "1.0"\n[secrets.token]\nfile = "./token.txt"\n[services.leaky]\nimage = "node"\nsecrets = ["token"]\ncommand = ${node("console.log('token=' + require('fs').readFileSync(process.env.TOKEN_FILE, 'utf8').trim() + ' ok'); setInterval(() => {}, 1000)")}\n`);
    s.ws.write('token.txt', `${secret}\n`);
    const upRun = startCli(['up'], { cwd: s.ws.dir, env: s.ws.env });
    await upRun.waitFor(/^leaky \| token=\[redacted\] ok$/m);
    const logs = await s.cli(['logs']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('leaky | token=[redacted] ok\n');
    upRun.child.kill('SIGINT');
    const done = await upRun.done;
    expect(done.code).toBe(130);
    expect(done.stdout + done.stderr + logs.stderr).not.toContain(secret);
  });

  it('a service that exits during up: exit code is its own, with its last log lines, and nothing is left', async () => {
    s.open(
      `version = "1.0"

[services.api]
image = "node"
command = ${node("console.log('connecting to db'); console.error('fatal: db unreachable'); setTimeout(() => process.exit(3), 100)")}
healthcheck = { test = "exit 1", interval = "1s", retries = 60 }
`,
    );
    const up = await s.cli(['up', '-d', '--wait']);
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(/^error: api: /m);
    expect(up.stderr).toMatch(/^ {2}exit code: 3$/m);
    expect(up.stderr).toMatch(/^ {4}\| fatal: db unreachable$/m);
    expect(up.stderr).not.toMatch(/^\s+at /m);
    expect(await s.ps()).toEqual([]);
  });

  it('run --rm: prints the one-off output, exits with its code and leaves nothing', async () => {
    s.open(STACK);
    const result = await s.cli(['run', '--rm', '--no-deps', '-e', 'GREETING=hi', 'web', 'node', '-e', 'console.log(process.env.GREETING + " from run"); process.exit(5)']);
    expect(result.stdout).toContain('hi from run\n');
    expect(result.code, result.stderr).toBe(5);
    expect((await s.ps()).filter((r) => r.service.startsWith('web-run-'))).toEqual([]);
  });

  it('port prints where a port of a service is published, per replica, and fails for one it does not publish', async () => {
    s.open(STACK);
    const up = await s.cli(['up', '-d', '--wait', '--scale', 'web=2']);
    expect(up.code, up.stderr).toBe(0);
    const webs = (await s.ps()).filter((r) => r.service === 'web');
    expect(webs).toHaveLength(2);
    const first = await s.cli(['port', 'web', '8080']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`127.0.0.1:${webs[0]!.ports[0]!.published}\n`);
    const second = await s.cli(['port', '--index', '2', 'web', '8080/tcp']);
    expect(second.stdout).toBe(`127.0.0.1:${webs[1]!.ports[0]!.published}\n`);
    expect(second.stdout).not.toBe(first.stdout);
    // what a script does with it: the address answers
    const [, published] = /:(\d+)$/.exec(first.stdout.trim())!;
    expect(await get(Number(published))).toBe('hello from web');

    const unpublished = await s.cli(['port', 'web', '9090']);
    expect(unpublished.code).toBe(1);
    expect(unpublished.stdout).toBe('');
    expect(unpublished.stderr).toContain("service 'web' publishes no port 9090/tcp (it publishes 8080/tcp)");
    expect((await s.cli(['port', '--protocol', 'udp', 'web', '8080'])).stderr).toContain('no port 8080/udp');
    const wrong = await s.cli(['port', 'web', 'http']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("PRIVATE_PORT must be a port number from 1 to 65535");
    expect((await s.cli(['port', 'nope', '80'])).code).toBe(2);
    // a stopped replica has no address
    expect((await s.cli(['stop', '-t', '2', 'db'])).code).toBe(0);
    const stopped = await s.cli(['port', 'db', '5432']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("service 'db' is not running");
  });

  it('up --scale runs that many replicas; the next up without it goes back to the file\'s count', async () => {
    s.open(STACK);
    const up = await s.cli(['up', '-d', '--scale', 'web=3', '--scale', 'db=1']);
    expect(up.code, up.stderr).toBe(0);
    const replicas = async () => (await s.ps()).filter((r) => r.service === 'web' && r.state === 'running').map((r) => r.replica);
    expect(await replicas()).toEqual([1, 2, 3]);
    const again = await s.cli(['up', '-d']);
    expect(again.code, again.stderr).toBe(0);
    expect(await replicas()).toEqual([1]);
    const wrong = await s.cli(['up', '-d', '--scale', 'web']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("expected SERVICE=N (got 'web')");
    const unknown = await s.cli(['up', '-d', '--scale', 'nope=2']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no service 'nope'");
  });

  it('up --exit-code-from / --abort-on-container-exit: the CI idiom runs until a service exits, tears down, exits with its code', async () => {
    const stack = (tests: string) => `version = "1.0"
[services.db]
image = "node"
command = ${node("process.on('SIGTERM', () => process.exit(0)); console.log('db up'); setInterval(() => {}, 1000)")}
[services.tests]
image = "node"
command = ${node(tests)}
depends_on = ["db"]
`;
    s.open(stack("setTimeout(() => { console.log('2 failed'); process.exit(3) }, 300)"));
    const failed = await s.cli(['up', '--exit-code-from', 'tests']);
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.stdout).toMatch(/^tests \| 2 failed$/m);
    expect(failed.stderr).toContain('tests exited with code 3: aborting');
    expect(await s.ps()).toEqual([]); // torn down: db too

    s.open(stack("setTimeout(() => process.exit(0), 300)"));
    const passed = await s.cli(['up', '--abort-on-container-exit']);
    expect(passed.code, passed.stderr).toBe(0);
    expect(await s.ps()).toEqual([]);

    // another service exits first: the stack is aborted, and the code is tests' own (stopped: not 0)
    s.open(`version = "1.0"
[services.db]
image = "node"
command = ${node("setTimeout(() => process.exit(4), 400)")}
[services.tests]
image = "node"
command = ${node("process.on('SIGTERM', () => process.exit(9)); setInterval(() => {}, 1000)")}
depends_on = ["db"]
`);
    const aborted = await s.cli(['up', '--exit-code-from', 'tests']);
    expect(aborted.stderr).toContain('db exited with code 4: aborting');
    expect(aborted.code).toBe(9);

    expect((await s.cli(['up', '-d', '--exit-code-from', 'tests'])).code).toBe(2);
    expect((await s.cli(['up', '--exit-code-from', 'nope'])).code).toBe(2);
  });

  it('ps --services and --status, and exec -T / run -T as docker compose scripts write them', async () => {
    s.open(STACK);
    expect((await s.cli(['up', '-d', '--wait'])).code).toBe(0);
    expect((await s.cli(['stop', '-t', '2', 'web'])).code).toBe(0);
    expect((await s.cli(['ps', '--services'])).stdout).toBe('db\n');
    expect((await s.cli(['ps', '-a', '--services'])).stdout).toBe('db\nweb\n');
    expect((await s.cli(['ps', '--status', 'exited', '--services'])).stdout).toBe('web\n');
    const both = await s.cli(['ps', '--status', 'exited', '--status', 'running', '--format', 'json']);
    expect((JSON.parse(both.stdout) as PsRow[]).map((r) => [r.service, r.state])).toEqual([['db', 'running'], ['web', 'exited']]);
    expect((await s.cli(['ps', '--status', 'gone'])).code).toBe(2);
    const exec = await s.cli(['exec', '-T', 'db', 'node', '-e', 'console.log(process.stdout.isTTY === true)']);
    expect(exec.code, exec.stderr).toBe(0);
    expect(exec.stdout).toBe('false\n');
    const run = await s.cli(['run', '--rm', '-T', '--no-deps', 'web', 'node', '-e', 'console.log("one-off")']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('one-off\n');
  });

  it('up --no-start creates the services only; start runs them', async () => {
    s.open(STACK);
    const up = await s.cli(['up', '--no-start']);
    expect(up.code, up.stderr).toBe(0);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([['db', 'created'], ['web', 'created']]);
    expect((await s.cli(['start'])).code).toBe(0);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([['db', 'running'], ['web', 'running']]);
    expect((await s.cli(['up', '--no-start', '--wait'])).code).toBe(2);
  });

  it('logs --since keeps the lines written since a time or a duration ago', async () => {
    s.open(`version = "1.0"\n[services.talk]\nimage = "node"\ncommand = ${node("console.log('early'); setTimeout(() => console.log('late'), 1500); setInterval(() => {}, 1000)")}\n`);
    expect((await s.cli(['up', '-d'])).code).toBe(0);
    let all = await s.cli(['logs', '--no-prefix']);
    for (let i = 0; i < 40 && !all.stdout.includes('late'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      all = await s.cli(['logs', '--no-prefix']);
    }
    expect(all.stdout).toBe('early\nlate\n');
    const lines = await s.cli(['logs', '--no-prefix', '--timestamps']);
    const lateAt = /^(\S+) late$/m.exec(lines.stdout)?.[1];
    expect(lateAt).toBeDefined();
    expect((await s.cli(['logs', '--no-prefix', '--since', lateAt!])).stdout).toBe('late\n');
    expect((await s.cli(['logs', '--no-prefix', '--since', '1h'])).stdout).toBe('early\nlate\n');
    const wrong = await s.cli(['logs', '--since', 'yesterday']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--since takes a timestamp");
  });

  it('scale, stop, start and restart act on what another process started', async () => {
    s.open(STACK);
    expect((await s.cli(['up', '-d'])).code).toBe(0);
    const scaled = await s.cli(['scale', 'web=2']);
    expect(scaled.code, scaled.stderr).toBe(0);
    expect((await s.ps()).filter((r) => r.service === 'web').map((r) => [r.replica, r.state])).toEqual([
      [1, 'running'],
      [2, 'running'],
    ]);
    const stop = await s.cli(['stop', '-t', '2', 'web']);
    expect(stop.code, stop.stderr).toBe(0);
    expect((await s.ps()).filter((r) => r.service === 'web').every((r) => r.state === 'exited')).toBe(true);
    expect((await s.ps()).find((r) => r.service === 'db')!.state).toBe('running');
    expect((await s.cli(['start'])).code).toBe(0);
    expect((await s.ps()).every((r) => r.state === 'running')).toBe(true);
    const before = (await s.ps()).find((r) => r.service === 'db')!.pid;
    expect((await s.cli(['restart', 'db'])).code).toBe(0);
    const after = (await s.ps()).find((r) => r.service === 'db')!;
    expect(after.state).toBe('running');
    expect(after.pid).not.toBe(before);
  });

  it('pause and unpause freeze and resume what another process started', async () => {
    s.open(STACK);
    expect((await s.cli(['up', '-d'])).code).toBe(0);
    const pause = await s.cli(['pause', 'web']);
    expect(pause.code, pause.stderr).toBe(0);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([
      ['db', 'running'],
      ['web', 'paused'],
    ]);
    const unpause = await s.cli(['unpause']);
    expect(unpause.code, unpause.stderr).toBe(0);
    expect((await s.ps()).every((r) => r.state === 'running')).toBe(true);
    expect((await s.cli(['pause'])).code).toBe(0);
    const down = await s.cli(['down', '-t', '2']);
    expect(down.code, down.stderr).toBe(0);
    expect(await s.ps()).toEqual([]);
  });

  it('ps and down find a stack by project name alone once its file is gone', async () => {
    s.open(STACK);
    const name = `byname-${process.pid}`;
    expect((await s.cli(['-p', name, 'up', '-d'])).code).toBe(0);
    rmSync(join(s.ws.dir, 'compose.toml'));
    const listed = await s.cli(['-p', name, 'ps', '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as PsRow[]).map((r) => r.name)).toEqual([`${name}_db_1`, `${name}_web_1`]);
    const down = await s.cli(['-p', name, 'down']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse((await s.cli(['-p', name, 'ps', '-a', '--format', 'json'])).stdout)).toEqual([]);
    const missing = await s.cli(['ps']);
    expect(missing.code).toBe(1);
  });

  it('after up -d, a service that ends on its own, or is stopped from another shell, keeps its own exit code (the zygote stays its parent)', async () => {
    s.open(`version = "1.0"
[services.job]
image = "sh"
command = ["sh", "-c", "sleep 1.5; exit 3"]
[services.server]
image = "sh"
command = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.05; done"]
`);
    const up = await s.cli(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    // the CLI is gone: its zygote stays the parent of what it started, not pid 1
    const rows = await s.ps();
    const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    const keeper = parentOf(rows.find((r) => r.service === 'server')!.pid!);
    expect(readFileSync(`/proc/${keeper}/comm`, 'utf8')).toBe('perl\n');
    // an end of its own: written down by the zygote, read by wait and by a listing (pid 1 would have kept it)
    const waited = await s.cli(['wait', 'job']);
    expect(waited.code, waited.stderr).toBe(3);
    expect((await s.ps()).find((r) => r.service === 'job')).toMatchObject({ state: 'exited', exitCode: 3 });
    // a stop from another process: the server exits 0 on SIGTERM, and the zygote reaps it at once
    expect((await s.cli(['stop', 'server'])).code).toBe(0);
    expect((await s.ps()).find((r) => r.service === 'server')).toMatchObject({ state: 'exited', exitCode: 0 });
    // nothing left to wait for: the zygote ends too
    for (let i = 0; i < 50 && alive(keeper); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(keeper)).toBe(false);
  });

  it('ls lists the projects on the runtime with their containers by state, from any folder, no compose file needed', async () => {
    s.open(STACK);
    const other = `other-${process.pid}`;
    expect((await s.cli(['-p', other, 'up', '-d', '--wait'])).code).toBe(0);
    expect((await s.cli(['-p', other, 'stop', '-t', '2'])).code).toBe(0);
    expect((await s.cli(['up', '-d', '--wait'])).code).toBe(0);
    const mine = (JSON.parse((await s.cli(['ps', '--format', 'json'])).stdout) as PsRow[])[0]!.project;
    rmSync(join(s.ws.dir, 'compose.toml'));
    const running = await s.cli(['ls']);
    expect(running.code, running.stderr).toBe(0);
    expect(running.stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/))).toEqual([['NAME', 'STATUS'], [mine, 'running(2)']]);
    const all = await s.cli(['ls', '-a', '--format', 'json']);
    expect(JSON.parse(all.stdout)).toEqual(
      [
        { name: mine, containers: 2, states: { running: 2 } },
        { name: other, containers: 2, states: { exited: 2 } },
      ].sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    expect((await s.cli(['ls', '-a', '-q'])).stdout).toBe(`${[mine, other].sort().join('\n')}\n`);
    expect((await s.cli(['-p', other, 'down'])).code).toBe(0);
    expect((await s.cli(['ls', '-a', '-q'])).stdout).toBe(`${mine}\n`);
    // its file is gone: down by name (the session's own down cannot find it)
    expect((await s.cli(['-p', mine, 'down'])).code).toBe(0);
    expect((await s.cli(['ls', '-a', '-q'])).stdout).toBe('');
  });

  it('events --json streams container changes until Ctrl-C (exit 0); top lists the service processes', async () => {
    s.open(STACK);
    const watcher = startCli(['events', '--json'], { cwd: s.ws.dir, env: s.ws.env });
    await new Promise((r) => setTimeout(r, 1_500)); // let it take its first look
    expect((await s.cli(['up', '-d'])).code).toBe(0);
    await watcher.waitFor(/"service":"web"/);
    const top = await s.cli(['top', 'web']);
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/^SERVICE +PID +PPID +CPU +RSS +COMMAND\nweb +\d+ +\d+ +[\d.]+s +[\d.]+M +node -e /);
    await s.cli(['stop', '-t', '2', 'web']);
    await watcher.waitFor(/"action":"state".*"state":"exited"/);
    watcher.child.kill('SIGINT');
    const result = await watcher.done;
    expect(result.code).toBe(0);
    const changes = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string; service: string; state: string });
    // Polled: it may or may not catch the short `created` state before `running`.
    const web = changes.filter((c) => c.service === 'web').map((c) => [c.action, c.state]);
    expect(web[0]![0]).toBe('create');
    expect(web.some(([, state]) => state === 'running')).toBe(true);
    expect(web.at(-1)).toEqual(['state', 'exited']);
  });

  it('--progress json prints the engine events as JSON lines', async () => {
    s.open(STACK);
    const up = await s.cli(['--progress', 'json', 'up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const events = up.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; seq: number; service?: string; time: string });
    expect(events[0]!.type).toBe('plan');
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(events.filter((e) => e.type === 'service.started').map((e) => e.service).sort()).toEqual(['db', 'web']);
    expect(events.at(-1)!.type).toBe('up.done');
    expect(Number.isNaN(Date.parse(events[0]!.time))).toBe(false);
  });

  it('plan shows changes with reasons and --expect-no-changes fails when there are some', async () => {
    s.open(STACK);
    const before = await s.cli(['plan', '--expect-no-changes']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^\+ service web: create/m);
    expect((await s.cli(['up', '-d'])).code).toBe(0);
    const after = await s.cli(['plan', '--expect-no-changes']);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/^plan [a-z0-9-]+: 3 unchanged$/m);
  });
});
