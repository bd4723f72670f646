/**
 * The Docker example (examples/docker) run as a user would — `node --import tsx examples/docker/run.ts`
 * — against the real engine, with the busybox image the suite builds locally.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep } from './support/engine.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const runtime = dockerRuntime();

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterAll(async () => {
  await sweep(runtime, 'docker-example'); // only if the example failed half-way
  await runtime.close();
});

describe('examples/docker', () => {
  it('deploys the Compose YAML stack on Docker, serves the page, and leaves nothing behind', async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'examples/docker/run.ts'], { cwd: root, env: { ...process.env, IMAGE: TEST_IMAGE }, timeout: 120_000, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, stdout, stderr });
      });
      child.stdin?.end();
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('plan docker-example:');
    expect(result.stdout).toContain('GET / -> hello from a container');
    expect(result.stdout).toMatch(/^web: running/m);
    expect(result.stdout).toContain('left behind: 0 containers and volumes');
  }, 180_000);
});
