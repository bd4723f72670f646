import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRuntime } from '@selur/compose';
import { describeRuntimeConformance } from './runtime-conformance.js';
import { envName, killRecorded } from '../process/support.js';

describeRuntimeConformance('process', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'process-conformance-'));
  const runtime = processRuntime({ stateDir, restartBackoff: { initialMs: 50, maxMs: 1_000 } });
  return {
    runtime,
    image: 'host',
    workingDir: stateDir,
    httpServer: (port: number) => [
      process.execPath,
      '-e',
      `const port = Number(process.env.PORT_${port} ?? process.env.PORT);
       require('node:http').createServer((q, s) => s.end('ok')).listen(port, '127.0.0.1', () => console.log('listening', port));`,
    ],
    sh: (script: string) => ['sh', '-c', script],
    secretPath: (name: string) => `$${envName(name)}_FILE`,
    mountPath: (target: string) => `$SELUR_MOUNT_${envName(target).replace(/^_+|_+$/g, '')}`,
    cleanup: async () => {
      killRecorded(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
});
