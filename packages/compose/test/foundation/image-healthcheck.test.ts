/**
 * A healthcheck without `test` (Compose: the image's HEALTHCHECK test, with the file's timing) on
 * runtimes that have no image: the process runtime refuses it by name before anything is created,
 * and `unsupported: 'warn'` runs the service without it. (Docker runs it: packages/docker/test/compose-rest.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnsupportedFieldError, parseProject, processRuntime, type ComposeEvent, type UnsupportedFieldError } from '@selur/compose';

const dir = mkdtempSync(join(tmpdir(), 'selur-image-hc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const YAML = 'services:\n  api:\n    image: x\n    command: ["sleep", "30"]\n    healthcheck:\n      interval: 2s\n      retries: 5\n';

describe('a healthcheck without test on the process runtime', () => {
  it('is refused by name (healthcheck.image_test, the service), before anything is created', async () => {
    const runtime = processRuntime({ stateDir: dir });
    const project = parseProject(YAML, { format: 'yaml', projectName: 'imagehc' });
    const error = await project.up({ runtime }).catch((e: unknown) => e);
    expect(isUnsupportedFieldError(error)).toBe(true);
    expect((error as UnsupportedFieldError).fields).toEqual([{ field: 'healthcheck.image_test', where: "service 'api'" }]);
    expect((error as Error).message).toContain('the process runtime cannot apply `healthcheck.image_test`');
    expect(await runtime.listContainers('imagehc')).toEqual([]);
  });

  it("with unsupported: 'warn' the service runs without a healthcheck, and a warning names the field", async () => {
    const runtime = processRuntime({ stateDir: dir });
    const project = parseProject(YAML, { format: 'yaml', projectName: 'imagehcwarn' });
    const warnings: string[] = [];
    const stack = await project.up({ runtime, unsupported: 'warn', onEvent: (e: ComposeEvent) => void (e.type === 'warning' && warnings.push(e.message)) });
    try {
      expect(warnings.join('\n')).toContain('healthcheck.image_test');
      const [info] = await stack.ps();
      expect(info?.state).toBe('running');
      expect(info?.health).toBe('none');
    } finally {
      await stack.down();
    }
  });
});
