/**
 * Deploys web + api + cache on the process runtime, visits the page twice, tears it all down.
 *
 * Run: `node --import tsx examples/web-api-cache/run.ts` (from the repository root).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRuntime } from '@selur/compose';
import { freePorts, webApiCache } from './stack.js';

const stateDir = await mkdtemp(join(tmpdir(), 'selur-web-api-cache-'));
const runtime = processRuntime({ stateDir });
const [web = 0, api = 0, cache = 0] = await freePorts(3);
const project = webApiCache({ web, api, cache }, 'web-api-cache');
try {
  await using stack = await project.up({ runtime });
  const url = stack.service('web').endpoint(web).url;
  for (let i = 0; i < 2; i++) console.log(`GET ${url} -> ${(await (await fetch(url)).text()).trim()}`);
  console.log(`cache counter: ${(await (await fetch(`http://127.0.0.1:${cache}/visits`)).text())}`);
} finally {
  await runtime.close?.();
  await rm(stateDir, { recursive: true, force: true });
}
