import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isImageBuildError } from '@selur/compose-docker';
import { isInvalidArgumentError as isComposeInvalidArgument } from '@selur/compose';
import { TEST_IMAGE, containerRequest, ensureTestImage, sweep, testRuntime, uniqueProject } from './support/engine.js';
import { eventually, rawEngine } from './support/raw-engine.js';

const runtime = testRuntime();
const project = uniqueProject('build');
const tag = `selur-compose-test/built-${process.pid}:latest`;
let context: string;

beforeAll(async () => {
  await ensureTestImage(runtime);
  context = await mkdtemp(path.join(tmpdir(), 'selur-docker-build-'));
  await mkdir(path.join(context, 'app', 'deeply', 'nested'.repeat(20)), { recursive: true });
  await writeFile(path.join(context, 'app', 'deeply', 'nested'.repeat(20), 'file.txt'), 'long path ok\n');
  await writeFile(path.join(context, 'secret.env'), 'SHOULD_NOT_BE_SENT=1\n');
  await writeFile(path.join(context, '.dockerignore'), 'secret.env\n');
  await writeFile(
    path.join(context, 'build.Dockerfile'),
    [
      `FROM ${TEST_IMAGE} AS base`,
      'ARG GREETING=unset',
      'RUN echo "$GREETING" > /greeting',
      'COPY app /app',
      'FROM base AS final',
      'RUN ls /secret.env 2>/dev/null && echo leaked > /greeting || true',
      'COPY . /ctx',
      'FROM base AS other',
      'RUN echo other > /greeting',
    ].join('\n'),
  );
});

afterAll(async () => {
  await sweep(runtime, project);
  await rawEngine('DELETE', `/images/${encodeURIComponent(tag)}?force=1`);
  await runtime.close();
  await rm(context, { recursive: true, force: true });
});

describe('buildImage', () => {
  it('tars the context in-process (honouring .dockerignore, long paths) and builds with args and target', async () => {
    const output: string[] = [];
    const result = await runtime.buildImage({
      context,
      dockerfile: 'build.Dockerfile',
      args: { GREETING: 'built-with-args' },
      target: 'final',
      tag,
      onOutput: (line) => output.push(line),
    });
    expect(result.id).toMatch(/^sha256:/);
    expect(result.tag).toBe(tag);
    expect(output.length).toBeGreaterThan(0);
    expect(await runtime.hasImage(tag)).toBe(true);
    const created = await runtime.createContainer(
      containerRequest(project, 'built', {
        image: tag,
        command: ['sh', '-c', `cat /greeting /app/deeply/${'nested'.repeat(20)}/file.txt; ls /ctx`],
      }),
    );
    await runtime.startContainer(created.id);
    await eventually(async () => ((await runtime.inspectContainer(created.id)).state === 'exited' ? true : undefined));
    const lines: string[] = [];
    for await (const line of runtime.logs(created.id)) lines.push(line.text);
    expect(lines.slice(0, 2)).toEqual(['built-with-args', 'long path ok']);
    expect(lines).toContain('build.Dockerfile');
    expect(lines).not.toContain('secret.env');
  });

  it('fails with a typed error carrying the build output', async () => {
    await writeFile(path.join(context, 'broken.Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo about-to-fail && exit 42\n`);
    const error = await runtime.buildImage({ context, dockerfile: 'broken.Dockerfile', tag: `${tag}-broken`, service: 'api' }).catch((e: unknown) => e);
    expect(isImageBuildError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_IMAGE_BUILD', service: 'api' });
    expect((error as { logTail: string[] }).logTail.join('\n')).toContain('about-to-fail');
  });

  it('wants an absolute context', async () => {
    const error = await runtime.buildImage({ context: 'relative/dir', tag }).catch((e: unknown) => e);
    expect(isComposeInvalidArgument(error)).toBe(true);
  });
});
