/**
 * Two copies of web + api + cache at once, every port picked free (`0:8080`): each service finds
 * its dependency through `<DEPENDENCY>_HOST` / `<DEPENDENCY>_PORT`, which the process runtime gives
 * it (see any-ports.toml). Visits both, tears both down.
 *
 * Run: `node --import tsx examples/web-api-cache/any-ports.ts` (from the repository root).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, processRuntime } from '@selur/compose';
import { here } from './stack.js';

const stateDir = await mkdtemp(join(tmpdir(), 'selur-any-ports-'));
const runtime = processRuntime({ stateDir });
try {
  // One file, two projects (as `selur-compose -p any-ports-2 up` would make).
  const file = join(here, 'any-ports.toml');
  const first = await loadProject(file, { projectName: 'any-ports-1' });
  const second = await loadProject(file, { projectName: 'any-ports-2' });
  await using a = await first.up({ runtime });
  await using b = await second.up({ runtime });
  // The first copy is visited once, the second three times: each counts in its own cache.
  for (const [label, stack, visits] of [['first', a, 1], ['second', b, 3]] as const) {
    const url = stack.service('web').endpoint(8080).url;
    for (let i = 1; i < visits; i++) await fetch(url);
    const page = (await (await fetch(url)).text()).trim();
    console.log(`${label}: GET ${url} -> ${page}`);
  }
} finally {
  await runtime.close?.();
  await rm(stateDir, { recursive: true, force: true });
}
