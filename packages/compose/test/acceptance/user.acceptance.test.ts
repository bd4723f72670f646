/**
 * Issue 14, `user` on the process runtime: run as root, a service's processes (and an exec into
 * it) run as the user it names, through setpriv; a fresh named volume it mounts belongs to that
 * user. A process that is not root is refused another user, typed. The refusal is checked by
 * running the built package as `nobody`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { isProcessUserError, Project, type Runtime } from '@selur/compose';
import { resolveRunAs } from '../../src/adapters/process/setup/user.js';
import { cleanup, FAST, runtime, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

const ROOT = process.getuid?.() === 0;

async function lines(rt: Runtime, id: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const out: string[] = [];
    for await (const line of rt.logs(id)) out.push(line.text);
    if (out.length >= count || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!ROOT)('user on the process runtime, run as root', () => {
  test.each(['nobody', '65534:65534'])('user = %s: the service, an exec and a fresh named volume are nobody\'s', async (user) => {
    // The state folder is the runtime's own (made by it, as the CLI's is): it lets the user pass
    // through it to the volume. The folder above it is the caller's, and lets others pass.
    const parent = stateDir();
    chmodSync(parent, 0o711);
    const rt = runtime(join(parent, 'state'));
    const script = 'id -u; id -g; echo written > "$SELUR_MOUNT_DATA/file" && stat -c %u "$SELUR_MOUNT_DATA/file"; exec sleep 30';
    const stack = await new Project(uniqueName('user'))
      .volume('data')
      .service('who', { command: ['sh', '-c', script], user, volumes: ['data:/data'] })
      .up({ ...FAST, runtime: rt });
    const [who] = await stack.ps();
    expect(await lines(rt, who?.id ?? '', 3)).toEqual(['65534', '65534', '65534']);
    const exec = await rt.exec(who?.id ?? '', ['id', '-u']);
    expect(exec.stdout.trim()).toBe('65534');
    const volume = (await rt.listVolumes(stack.name))[0];
    expect(volume).toBeDefined();
    const inspected = await rt.exec(who?.id ?? '', ['sh', '-c', 'stat -c %u "$SELUR_MOUNT_DATA"']);
    expect(inspected.stdout.trim()).toBe('65534');
    await stack.down();
  });

  test('a volume or a bind mount below a folder the user may not pass through fails before the service starts, naming that folder', async () => {
    // A state folder under a private folder (as the CLI's default is under /root when run as root):
    // initdb, say, would start and fail with "Permission denied"; the runtime names the folder first.
    const parent = stateDir(); // mkdtemp: mode 0700, root's
    const rt = runtime(join(parent, 'state'));
    const name = uniqueName('unreachable');
    const error = await new Project(name)
      .volume('data')
      .service('first', { command: ['sleep', '30'] })
      .service('who', { command: ['sh', '-c', 'touch "$SELUR_MOUNT_DATA/file" && exec sleep 30'], user: 'nobody', volumes: ['data:/data'], depends_on: ['first'] })
      .up({ ...FAST, runtime: rt })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_SERVICE_START', service: 'who' });
    const cause = (error as { cause?: unknown }).cause;
    expect(isProcessUserError(cause)).toBe(true);
    expect(cause).toMatchObject({ problem: 'unreachable-mount', user: 'nobody', service: 'who', field: 'services.who.volumes', mount: { type: 'volume', source: 'data', folder: parent, mode: 0o700, owner: 0 } });
    expect((cause as Error).message).toContain(`${parent} (mode 0700, owner uid 0) does not let user 'nobody' pass through it`);
    expect((cause as Error).message).toContain(`chmod o+x ${parent}`);
    expect(await rt.listContainers(name)).toEqual([]); // rolled back: 'first' too

    // A bind mount: the same check, with the fix that fits it.
    const hidden = stateDir();
    const source = join(hidden, 'site');
    mkdirSync(source);
    const bindError = await new Project(uniqueName('unreachable-bind'))
      .service('web', { command: ['sleep', '30'], user: '65534:65534', volumes: [`${source}:/site:ro`] })
      .up({ ...FAST, runtime: runtime() })
      .then(() => undefined, (e: unknown) => e);
    expect((bindError as { cause?: unknown }).cause).toMatchObject({ problem: 'unreachable-mount', mount: { type: 'bind', source, path: source, folder: hidden } });
    expect(((bindError as { cause?: Error }).cause)?.message).toContain('move the folder where that user can pass');

    // Once the folder lets others pass, the same stack starts, and the volume is the user's.
    chmodSync(parent, 0o711);
    const stack = await new Project(name)
      .volume('data')
      .service('first', { command: ['sleep', '30'] })
      .service('who', { command: ['sh', '-c', 'touch "$SELUR_MOUNT_DATA/file" && exec sleep 30'], user: 'nobody', volumes: ['data:/data'], depends_on: ['first'] })
      .up({ ...FAST, runtime: rt });
    const [, who] = await stack.ps();
    expect((await rt.exec(who?.id ?? '', ['sh', '-c', 'stat -c %u "$SELUR_MOUNT_DATA/file"'])).stdout.trim()).toBe('65534');
    await stack.down();
  });

  test('group_add (a name and a gid) becomes the supplementary groups of the service and of an exec', async () => {
    const rt = runtime();
    const stack = await new Project(uniqueName('groups'))
      .service('who', { command: ['sh', '-c', 'id -G; exec sleep 30'], user: 'nobody', group_add: ['mail', 100] })
      .up({ ...FAST, runtime: rt });
    const [who] = await stack.ps();
    const groups = (ids: string) => ids.trim().split(/\s+/).map(Number).sort((a, b) => a - b);
    expect(groups((await lines(rt, who?.id ?? '', 1))[0] ?? '')).toEqual([8, 100, 65534]);
    expect(groups((await rt.exec(who?.id ?? '', ['id', '-G'])).stdout)).toEqual([8, 100, 65534]);
    await stack.down();
  });

  test('names resolve through the account files: primary group, the groups it is a member of, group_add', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    const files = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
    writeFileSync(files.passwd, 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1001::/home/alice:/bin/sh\n');
    writeFileSync(files.group, 'alice:x:1001:\ndev:x:2000:bob,alice\nops:x:3000:\n');
    const path = process.env.PATH;
    expect(resolveRunAs('s', 'alice', [], path, files)).toMatchObject({ uid: 1000, gid: 1001, groups: [2000] });
    expect(resolveRunAs('s', 'alice:ops', ['dev', '4000'], path, files)).toMatchObject({ uid: 1000, gid: 3000, groups: [2000, 4000] });
    expect(resolveRunAs('s', '1234', [], path, files)).toMatchObject({ uid: 1234, gid: 0, groups: [] });
    expect(resolveRunAs('s', 'root', [], path, files)).toBeUndefined(); // already root: nothing to switch
    expect(() => resolveRunAs('s', 'ghost', [], path, files)).toThrow(expect.objectContaining({ code: 'E_PROCESS_USER', problem: 'unknown-user', user: 'ghost' }));
    expect(() => resolveRunAs('s', 'alice:ghosts', [], path, files)).toThrow(expect.objectContaining({ code: 'E_PROCESS_USER', problem: 'unknown-group' }));
    expect(() => resolveRunAs('s', 'alice', [], '/nonexistent', files)).toThrow(expect.objectContaining({ problem: 'no-setpriv' }));
  });

  test('a process that is not root is refused another user, by name, typed (the built package run as nobody)', () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const state = mkdtempSync(join(tmpdir(), 'nobody-state-'));
    chmodSync(state, 0o777);
    const script = `
      const { Project, processRuntime } = await import(${JSON.stringify(dist)});
      const rt = processRuntime({ stateDir: ${JSON.stringify(state)} });
      const error = await new Project('asnobody').service('s', { command: ['true'], user: 'root' }).up({ runtime: rt, lockTimeout: 5000 }).catch((e) => e);
      await rt.close();
      const cause = error?.cause;
      console.log(JSON.stringify({ code: error?.code, message: error?.message, cause: { code: cause?.code, problem: cause?.problem, user: cause?.user, service: cause?.service } }));`;
    expect(statSync(dist).isFile()).toBe(true);
    const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, '--input-type=module', '-e', script], { cwd: tmpdir(), encoding: 'utf8', timeout: 20_000, env: { ...process.env, TMPDIR: state } });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { code: string; message: string; cause: Record<string, string> };
    // The engine reports the start failure of the service, caused by the runtime's typed refusal.
    expect(result.code).toBe('E_SERVICE_START');
    expect(result.cause).toMatchObject({ code: 'E_PROCESS_USER', problem: 'not-root', user: 'root', service: 's' });
    expect(result.message).toContain("cannot run as user 'root': this process runs as uid 65534");
  });
});
