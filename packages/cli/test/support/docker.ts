import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerRuntime } from '@selur/compose-docker';

/** The image the Docker suite of @selur/compose-docker builds: `FROM scratch` + Debian's static busybox. */
export const TEST_IMAGE = 'selur-compose-test/busybox:latest';

/** Builds the test image unless the engine has it (same recipe as packages/docker/test/support/engine.ts). Fails when no engine answers. */
export async function ensureTestImage(): Promise<void> {
  const runtime = dockerRuntime();
  try {
    await runtime.version();
    if (await runtime.hasImage(TEST_IMAGE)) return;
    const context = await mkdtemp(join(tmpdir(), 'selur-cli-busybox-'));
    try {
      await cp('/usr/bin/busybox', join(context, 'busybox'));
      await writeFile(
        join(context, 'Dockerfile'),
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nRUN ["/bin/mkdir","-p","/tmp","/www","/data"]\nCMD ["/bin/sh"]\n',
      );
      await runtime.buildImage({ context, tag: TEST_IMAGE });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  } finally {
    await runtime.close();
  }
}

