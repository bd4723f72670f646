/**
 * Loads compose.yaml with `loadProject` (free ports passed as interpolation variables), deploys it
 * on the process runtime, visits the page, tears it down.
 *
 * Run: `node --import tsx examples/web-api-cache/yaml.ts` (from the repository root).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, planToString, processRuntime } from '@selur/compose';
import { freePorts, here } from './stack.js';

const stateDir = await mkdtemp(join(tmpdir(), 'selur-web-api-cache-yaml-'));
const runtime = processRuntime({ stateDir });
const [web = 0, api = 0, cache = 0] = await freePorts(3);
const project = await loadProject(join(here, 'compose.yaml'), {
  env: { ...process.env, WEB_PORT: String(web), API_PORT: String(api), CACHE_PORT: String(cache) },
});
console.log(`loaded '${project.name}': ${project.serviceNames().join(', ')}`);
console.log(planToString(await project.plan(runtime)));
try {
  await using stack = await project.up({ runtime });
  const url = stack.service('web').endpoint(web).url;
  console.log(`GET ${url} -> ${(await (await fetch(url)).text()).trim()}`);
} finally {
  await runtime.close?.();
  await rm(stateDir, { recursive: true, force: true });
}
