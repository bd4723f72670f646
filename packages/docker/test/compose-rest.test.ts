/**
 * The last Compose fields of issue 13 on a real Docker engine:
 * - a healthcheck without `test` runs the image's HEALTHCHECK with the file's timing (the image is
 *   built here FROM the busybox test image with a HEALTHCHECK); `test: ["NONE"]` and
 *   `disable: true` disable it; with no HEALTHCHECK in the image either, `up` says so at once;
 * - `pull_policy`: `never` with a missing image is a typed error that says it was not pulled,
 *   `missing` and `daily` with a local image do not pull (no registry answers here, so a pull
 *   would fail), `always` pulls even a local image (and fails here: the attempt is the proof),
 *   `build` builds the service's `build` section under its `image` first;
 * - `platform` is sent with the create: the host's platform runs, another is refused;
 * - `links`: `SERVICE:ALIAS` resolves in the linking container, and only there;
 * - `post_start` / `pre_stop`: run through exec after start and before stop (user, working_dir,
 *   environment honoured); a failing hook is a typed `HookFailedError`.
 * Fails (never skips) without a Docker engine.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject, type Stack } from '@selur/compose';
import { dockerRuntime, isHookFailedError, isImageNotFoundError } from '@selur/compose-docker';
import { TEST_IMAGE, containerRequest, ensureTestImage, sweep, uniqueProject } from './support/engine.js';
import { rawEngine } from './support/raw-engine.js';

const runtime = dockerRuntime();
const project = uniqueProject('rest');
const HC_IMAGE = `selurtest-hc-image:${process.pid}`;
const BUILT_IMAGE = `selurtest-pull-build:${process.pid}`;
let folder = '';
const stacks: Stack[] = [];

type Inspect = { Config: { Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number } }; State: { Health?: { Status: string } } };
const inspect = async (id: string) => (await rawEngine<Inspect>('GET', `/containers/${id}/json`)).json;

async function up(name: string, yaml: string): Promise<Stack> {
  const file = path.join(folder, `${name}.yaml`);
  await writeFile(file, yaml);
  const loaded = await loadProject(file, { projectName: `${project}-${name}` });
  const stack = await loaded.up({ runtime, timeout: 60_000, pollFirstMs: 5, pollCapMs: 100 });
  stacks.push(stack);
  return stack;
}

beforeAll(async () => {
  await ensureTestImage(runtime);
  folder = await mkdtemp(path.join(tmpdir(), 'selur-docker-rest-'));
  await writeFile(path.join(folder, 'Dockerfile'), `FROM ${TEST_IMAGE}\nHEALTHCHECK --interval=1h --timeout=7s CMD test -f /tmp/healthy\n`);
  await runtime.buildImage({ context: folder, tag: HC_IMAGE });
  await writeFile(path.join(folder, 'build.Dockerfile'), `FROM ${TEST_IMAGE}\nRUN ["/bin/sh","-c","echo built-by-pull-policy > /marker"]\n`);
}, 120_000);

afterAll(async () => {
  try {
    for (const stack of stacks) await stack.down({ volumes: true }).catch(() => undefined);
    for (const name of ['hc', 'nohc', 'links', 'hooks', 'hookfail']) await sweep(runtime, `${project}-${name}`);
    await sweep(runtime, project);
    for (const image of [HC_IMAGE, BUILT_IMAGE]) await rawEngine('DELETE', `/images/${encodeURIComponent(image)}?force=true`);
  } finally {
    await rm(folder, { recursive: true, force: true });
    await runtime.close();
  }
}, 120_000);

describe('a healthcheck without test', () => {
  it("runs the image's HEALTHCHECK test with the file's interval and retries, the image's timeout; NONE and disable turn it off", async () => {
    const stack = await up(
      'hc',
      [
        'services:',
        '  inherit:',
        `    image: ${HC_IMAGE}`,
        '    command: ["sh", "-c", "touch /tmp/healthy; exec sleep 1000"]',
        '    healthcheck:',
        '      interval: 1s',
        '      retries: 4',
        '  none:',
        `    image: ${HC_IMAGE}`,
        '    command: ["sleep", "1000"]',
        '    healthcheck:',
        '      test: ["NONE"]',
        '  disabled:',
        `    image: ${HC_IMAGE}`,
        '    command: ["sleep", "1000"]',
        '    healthcheck:',
        '      disable: true',
        '',
      ].join('\n'),
    );
    const id = (service: string) => stack.service(service).containers()[0]?.id as string;
    const inherited = await inspect(id('inherit'));
    expect(inherited.Config.Healthcheck).toMatchObject({ Test: ['CMD-SHELL', 'test -f /tmp/healthy'], Interval: 1e9, Timeout: 7e9, Retries: 4 });
    // Docker itself runs the inherited check every second: it turns healthy (bounded wait)
    let status = inherited.State.Health?.Status;
    for (let i = 0; i < 50 && status !== 'healthy'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await inspect(id('inherit'))).State.Health?.Status;
    }
    expect(status).toBe('healthy');
    for (const service of ['none', 'disabled']) {
      const info = await inspect(id(service));
      expect(info.Config.Healthcheck?.Test).toEqual(['NONE']);
      expect(info.State.Health).toBeUndefined();
    }
  }, 90_000);

  it('with no HEALTHCHECK in the image either, up fails at once saying so', async () => {
    const error = await up('nohc', `services:\n  bare:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "1000"]\n    stop_grace_period: 1s\n    healthcheck:\n      interval: 1s\n`).catch((e: unknown) => e);
    expect((error as Error).message).toContain('its image defines no HEALTHCHECK');
  }, 60_000);
});

describe('pull_policy', () => {
  it('never: a missing image is not pulled, a typed error says so', async () => {
    const error = await runtime.createContainer(containerRequest(project, 'never', { image: 'selur-compose-test/not-here:1', pull_policy: 'never' })).catch((e: unknown) => e);
    expect(isImageNotFoundError(error)).toBe(true);
    expect((error as Error).message).toContain('was not pulled (pull_policy: never)');
  });

  it('missing, if_not_present and daily: a local image is used without a pull (a pull would fail here)', async () => {
    for (const policy of ['missing', 'if_not_present', 'daily']) {
      const created = await runtime.createContainer(containerRequest(project, `local-${policy.replace('_', '-')}`, { image: TEST_IMAGE, pull_policy: policy, command: ['true'] }));
      expect(created.state).toBe('created');
    }
  });

  it('always: pulls even a local image (no registry answers here: the failed pull is the proof)', async () => {
    const error = await runtime.createContainer(containerRequest(project, 'always', { image: TEST_IMAGE, pull_policy: 'always' })).catch((e: unknown) => e);
    expect(isImageNotFoundError(error)).toBe(true);
    expect((error as Error).message).toMatch(/pulling it failed/);
  });

  it('build: builds the build section under the image name, then runs it', async () => {
    const created = await runtime.createContainer(
      containerRequest(project, 'built', {
        image: BUILT_IMAGE,
        pull_policy: 'build',
        build: { context: '.', dockerfile: 'build.Dockerfile', args: {} },
        command: ['sleep', '1000'],
      }, { workingDir: folder }),
    );
    await runtime.startContainer(created.id);
    const out = await runtime.exec(created.id, ['cat', '/marker']);
    expect(out.stdout).toBe('built-by-pull-policy\n');
  }, 90_000);
});

describe('platform', () => {
  it("is sent with the create: the host's platform runs, another one is refused", async () => {
    const created = await runtime.createContainer(containerRequest(project, 'amd64', { image: TEST_IMAGE, platform: 'linux/amd64', command: ['true'] }));
    expect(created.state).toBe('created');
    const error = await runtime.createContainer(containerRequest(project, 's390x', { image: TEST_IMAGE, platform: 'linux/s390x', command: ['true'] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((await runtime.listContainers(project)).map((c) => c.service)).not.toContain('s390x');
  });
});

describe('post_start and pre_stop hooks', () => {
  it('post_start runs after start with its user, working_dir and environment; pre_stop runs before stop; a failing hook fails the start, typed', async () => {
    const out = path.join(folder, 'hook-out');
    await mkdir(out, { recursive: true });
    const stack = await up(
      'hooks',
      [
        'services:',
        '  app:',
        `    image: ${TEST_IMAGE}`,
        '    command: ["sleep", "1000"]',
        '    stop_grace_period: 1s',
        '    tmpfs: ["/hooks:mode=1777"]',
        '    volumes:',
        `      - ${out}:/out`,
        '    post_start:',
        '      - command: ["sh", "-c", "echo \\"$$MSG $$(id -u) $$(pwd)\\" > /hooks/post_start"]',
        '        user: "65534"',
        '        working_dir: /hooks',
        '        environment:',
        '          MSG: started',
        '    pre_stop:',
        '      - command: ["sh", "-c", "echo stopping > /out/pre_stop"]',
        '',
      ].join('\n'),
    );
    expect((await stack.exec('app', ['cat', '/hooks/post_start'])).stdout).toBe('started 65534 /hooks\n');
    await expect(readFile(path.join(out, 'pre_stop'), 'utf8')).rejects.toThrow();
    await stack.down();
    expect(await readFile(path.join(out, 'pre_stop'), 'utf8')).toBe('stopping\n');

    const error = await up('hookfail', `services:\n  bad:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "1000"]\n    stop_grace_period: 1s\n    post_start:\n      - command: ["sh", "-c", "echo nope; exit 3"]\n`).catch((e: unknown) => e);
    const failure = [error, (error as { cause?: unknown }).cause].find((e) => isHookFailedError(e));
    expect(failure, String(error)).toBeDefined();
    expect(failure).toMatchObject({ hook: 'post_start', exitCode: 3, output: 'nope', service: 'bad' });
  }, 90_000);
});

describe('links', () => {
  it('SERVICE:ALIAS resolves in the linking container, and not in another one', async () => {
    const stack = await up(
      'links',
      [
        'services:',
        '  server:',
        `    image: ${TEST_IMAGE}`,
        '    command: ["sleep", "1000"]',
        '  client:',
        `    image: ${TEST_IMAGE}`,
        '    command: ["sleep", "1000"]',
        '    links: ["server:db-link"]',
        '  other:',
        `    image: ${TEST_IMAGE}`,
        '    command: ["sleep", "1000"]',
        '',
      ].join('\n'),
    );
    const serverIp = (await stack.exec('server', ['hostname', '-i'])).stdout.trim();
    const linked = await stack.exec('client', ['nslookup', 'db-link']);
    expect(linked.exitCode, linked.stdout + linked.stderr).toBe(0);
    expect(linked.stdout).toContain(serverIp);
    const unlinked = await stack.exec('other', ['nslookup', 'db-link']);
    expect(unlinked.exitCode).not.toBe(0);
  }, 90_000);
});
