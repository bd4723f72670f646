/**
 * Brings the real stack up on host processes, sends a request through nginx → app → PostgreSQL +
 * Redis, prints the answer and the services, and tears it down.
 *
 * Run as root, from the repository root: `node --import tsx examples/real-stack/run.ts`
 * (needs apt-get install postgresql redis-server nginx).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject, processRuntime } from '@selur/compose';

const file = fileURLToPath(new URL('./compose.toml', import.meta.url));
// The state folder holds the volumes: the runtime lets user `postgres` pass through it to its own,
// and /tmp, above it, lets everyone pass.
const stateDir = await mkdtemp(join(tmpdir(), 'selur-real-stack-'));
const runtime = processRuntime({ stateDir });
try {
  const project = await loadProject(file);
  const started = Date.now();
  const stack = await project.up({ runtime });
  console.log(`up in ${Date.now() - started} ms`);
  const url = stack.service('web').endpoint(8080).url;
  for (let i = 0; i < 2; i++) console.log(`GET ${url} -> ${(await (await fetch(url)).text()).trim()}`);
  for (const c of await stack.ps()) console.log(`${c.service.padEnd(8)} ${c.status}`);
  await stack.down({ volumes: true });
  console.log(`down: ${(await runtime.listContainers(project.name)).length} containers left`);
} finally {
  await runtime.close();
  await rm(stateDir, { recursive: true, force: true });
}
