/**
 * `attach: false` (Compose): the foreground `up` and `logs -f` leave that service's output out,
 * unless the service is named on the command line; plain `logs` still shows it. Process runtime,
 * the CLI as a subprocess.
 */
import { describe, expect, it } from 'vitest';
import { startCli } from './support/cli.js';
import { node, stackSession } from './support/stack.js';

const s = stackSession();

const STACK = `version = "1.0"
[services.loud]
image = "node"
command = ${node("setInterval(() => console.log('loud line'), 100)")}

[services.quiet]
image = "node"
attach = false
command = ${node("setInterval(() => console.log('quiet line'), 100)")}
`;

describe('attach: false in the CLI (subprocess)', { timeout: 120_000 }, () => {
  it('up (foreground) and logs -f stream the attached services only; a named service is followed anyway', async () => {
    s.open(STACK);
    const up = startCli(['up'], { cwd: s.ws.dir, env: s.ws.env });
    await up.waitFor(/(^loud +\| loud line\n){5}/m);
    expect(up.output().stderr).toContain('(not to quiet: attach: false)');
    expect(up.output().stdout).not.toContain('quiet');

    // the service runs and prints all the same
    const plain = await s.cli(['logs', '--tail', '1', 'quiet']);
    expect(plain.stdout).toBe('quiet | quiet line\n');

    const follow = startCli(['logs', '-f', '--tail', '0'], { cwd: s.ws.dir, env: s.ws.env });
    await follow.waitFor(/(^loud +\| loud line\n){3}/m);
    follow.child.kill('SIGINT');
    const followed = await follow.done;
    expect(followed.code).toBe(0);
    expect(followed.stdout).not.toContain('quiet');

    const named = startCli(['logs', '-f', '--tail', '0', 'quiet'], { cwd: s.ws.dir, env: s.ws.env });
    await named.waitFor(/(^quiet \| quiet line\n){3}/m);
    named.child.kill('SIGINT');
    expect((await named.done).code).toBe(0);

    up.child.kill('SIGINT');
    expect((await up.done).code).toBe(130);
  });
});
