/**
 * The main job: load compose.toml, validate it, plan it, deploy it on the embedded process runtime
 * (host processes, nothing to install), use it, and tear it down — leaving nothing behind.
 *
 * Run: `pnpm demo` (from the repository root).
 */
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, planToString, processRuntime, Wait, type ComposeEvent } from '@selur/compose';

const file = fileURLToPath(new URL('./compose.toml', import.meta.url));
const stateDir = await mkdtemp(join(tmpdir(), 'selur-quickstart-'));
const runtime = processRuntime({ stateDir });

const project = await loadProject(file);
project.validate();
project.getService('worker')?.waitFor(Wait.forLog(/ready/).withTimeout(10_000));
console.log(`loaded ${file}: project '${project.name}', services ${project.serviceNames().join(', ')}`);

console.log('\nplan:');
console.log(planToString(await project.plan(runtime)));

const started = performance.now();
const printEvent = (event: ComposeEvent) => {
  if (event.type === 'log') return;
  const who = 'service' in event ? ` ${event.service}` : 'name' in event ? ` ${String(event.name)}` : '';
  console.log(`  [${String(event.seq).padStart(3)}] ${event.type}${who}`);
};
{
  await using stack = await project.up({ runtime, onEvent: printEvent });
  console.log(`\nup: every service ready in ${Math.round(performance.now() - started)} ms`);

  const api = stack.service('api').endpoint(8080);
  console.log(`api is at ${api.url}`);
  console.log(`GET /items  -> ${await (await fetch(`${api.url}/items`)).text()}`);
  console.log(`GET /       -> ${(await (await fetch(api.url)).text()).trim()}`);

  const ps = await stack.ps();
  console.log(`\nps: ${ps.map((c) => `${c.service}#${c.replica}=${c.state}${c.exitCode === undefined ? '' : `(${c.exitCode})`}`).join(' ')}`);

  const exec = await stack.exec('api', ['node', '-e', 'console.log(process.env.GREETING)']);
  console.log(`exec in api -> exit ${exec.exitCode}: ${exec.stdout.trim()}`);

  console.log('\nlast log lines:');
  for await (const line of stack.logs(undefined, { tail: 2 })) console.log(`  ${line.service} | ${line.text}`);

  const again = await project.plan(runtime);
  console.log(`\nsecond plan: ${again.hasChanges ? planToString(again) : 'no changes (up is idempotent)'}`);
  console.log('\ndown (await using disposes the stack):');
}
const left = await runtime.listContainers(project.name);
console.log(`left behind: ${left.length} containers`);
await runtime.close?.();
await rm(stateDir, { recursive: true, force: true });
if (left.length > 0) process.exit(1);
