/**
 * The Compose YAML stack in this folder, on Docker (or Podman: set DOCKER_HOST to its socket):
 * load, plan, up, fetch, down — the same calls as on host processes, with `dockerRuntime()`.
 *
 * Run: `IMAGE=busybox:1.36 node --import tsx examples/docker/run.ts` (needs a Docker engine).
 */
import { fileURLToPath } from 'node:url';
import { loadProject, planToString } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';

const runtime = dockerRuntime();
try {
  const project = await loadProject(fileURLToPath(new URL('compose.yaml', import.meta.url)));
  console.log(planToString(await project.plan(runtime)));
  const stack = await project.up({ runtime, timeout: 60_000 });
  try {
    const { url } = stack.service('web').endpoint(8080);
    const body = await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
    console.log(`GET ${new URL(url).pathname} -> ${body.trim()}`);
    console.log((await stack.ps()).map((c) => `${c.service}: ${c.status}`).join('\n'));
  } finally {
    await stack.down({ volumes: true });
  }
  const left = (await runtime.listContainers(project.name, { all: true })).length + (await runtime.listVolumes(project.name)).length;
  console.log(`left behind: ${left} containers and volumes`);
} finally {
  await runtime.close();
}
