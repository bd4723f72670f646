/**
 * The runtime conformance suite against `selurRuntime` on the in-process fakes: Svalinn (every
 * request validated against its schemas) forwarding to the fake Vörðr, bundles packed and signed by
 * `nativeCt()` (see `helpers.ts`).
 *
 * What the profile says, and why:
 * - capabilities: exactly what the runtime declares. Vörðr has no logs tool, `vordr_exec` returns
 *   neither output nor exit code, and no healthcheck results: `logs`, `logs.follow`, `exec.output`
 *   and `health` are proven refused with an `UnsupportedOperationError` by the suite.
 * - `executes: false`: the fake Vörðr records a container's command but runs nothing, so the
 *   tests that need a command to run (an endpoint answering, data written, a crash, exit codes)
 *   are skipped and listed by the suite's summary test.
 * - `exitCodes: false`: Vörðr reports no exit code; the suite checks none is invented.
 * - host ports come from the fixture: Vörðr publishes `HOST:CONTAINER` only, it cannot choose.
 * - `backendConfig` reads the container's config back through `vordr_container_inspect` (the real
 *   `vordrClient`), so the environment, mounts, secrets and restart policy handed to the stack are
 *   checked where the suite cannot run a command to see them.
 */
import { createServer } from 'node:net';
import type { VordrClient } from '@selur/compose';
import { LABEL_VORDR_ID, vordrClient } from '@selur/compose-selur';
import { describeRuntimeConformance, type BackendConfig } from '../../../compose/test/conformance/runtime-conformance.js';
import { startStack, type SelurStack } from './helpers.js';

/** A port free on 127.0.0.1 right now (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const strings = (value: unknown): Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/** Vörðr's `SOURCE:TARGET[:ro|rw]` volume strings as mounts. */
function mounts(value: unknown): BackendConfig['mounts'] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is string => typeof v === 'string')
    .map((v) => {
      const [source = '', target = '', mode] = v.split(':');
      return { source, target, readOnly: mode === 'ro' };
    });
}

let stack: SelurStack | undefined;
let vordr: VordrClient | undefined;

describeRuntimeConformance(
  'selur',
  async () => {
    stack = await startStack();
    vordr = vordrClient({ url: stack.vordr.url, timeout: 5_000 });
    const s = stack;
    return {
      runtime: s.runtime,
      image: 'nginx:latest.ctp', // resolved to the bundle packed and signed by helpers.ts
      workingDir: s.dir,
      httpServer: (port: number) => ['sh', '-c', `exec httpd -f -p ${port} -h /www`], // recorded, never run
      sh: (script: string) => ['sh', '-c', script],
      secretPath: (name: string) => `/run/secrets/${name}`,
      mountPath: (target: string) => target,
      hostPort: () => freePort(),
      cleanup: () => s.close(),
    };
  },
  {
    capabilities: ['networks', 'volumes', 'ports', 'secrets', 'bind-mounts', 'exec', 'restart-policy', 'replicas'],
    executes: false,
    exitCodes: false,
    backendConfig: async (id) => {
      if (!stack || !vordr) throw new Error('the selur fixture is not set up');
      const vordrId = (await stack.runtime.inspectContainer(id)).labels[LABEL_VORDR_ID];
      if (vordrId === undefined) throw new Error(`${id} has no ${LABEL_VORDR_ID} label`);
      const { config } = await vordr.containerInspect(vordrId);
      const restart = config['restart'];
      return { environment: strings(config['env']), mounts: mounts(config['volumes']), restart: typeof restart === 'string' ? restart : undefined };
    },
  },
);
