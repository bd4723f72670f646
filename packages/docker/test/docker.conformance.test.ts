import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerRuntime } from '@selur/compose-docker';
import { describeRuntimeConformance } from '../../compose/test/conformance/runtime-conformance.js';
import { TEST_IMAGE, ensureTestImage } from './support/engine.js';

describeRuntimeConformance('docker', async () => {
  // init: PID 1 forwards SIGTERM, so `sleep 30` stops at once instead of after its grace period
  // (the suite also passes without it, only slower; lifecycle.test.ts covers the forced stop).
  const runtime = dockerRuntime({ init: true });
  await ensureTestImage(runtime); // fails (never skips) when no engine answers
  const workingDir = await mkdtemp(join(tmpdir(), 'docker-conformance-'));
  return {
    runtime,
    image: TEST_IMAGE,
    workingDir,
    httpServer: (port: number) => ['sh', '-c', `echo ok > /www/index.html && exec httpd -f -p ${port} -h /www`],
    sh: (script: string) => ['sh', '-c', script],
    secretPath: (name: string) => `/run/secrets/${name}`,
    mountPath: (target: string) => target,
    cleanup: () => rm(workingDir, { recursive: true, force: true }),
  };
});
