/**
 * A deploy script: plan → review → confirm → up → verify → (optionally) down.
 *
 *   node --import tsx examples/deploy-script/deploy.ts [-f compose.toml] [--yes] [--down] [--state-dir DIR]
 *
 * - prints the plan and stops when there is nothing to do;
 * - asks for confirmation on a terminal; `--yes` confirms without asking (CI). Without a terminal
 *   and without `--yes` it refuses (exit 1) rather than deploy unreviewed;
 * - deploys; on failure the engine rolls back what this run created and the typed error is printed;
 * - checks that a second plan has no changes (`expectNoChanges`), the drift check CI runs;
 * - `--down` tears the stack down at the end (a smoke deploy).
 *
 * Exit codes: 0 deployed (or nothing to do), 1 refused or failed, 2 bad arguments.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isComposeError, isServiceFailureError, loadProject, planToString, processRuntime } from '@selur/compose';

const options = {
  file: { type: 'string', short: 'f', default: fileURLToPath(new URL('../quickstart/compose.toml', import.meta.url)) },
  yes: { type: 'boolean', short: 'y', default: false },
  down: { type: 'boolean', default: false },
  'state-dir': { type: 'string' },
} as const;
function parse() {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    console.error(String((error as Error).message));
    return process.exit(2);
  }
}
const args = parse();

// The example keeps its state in a temporary folder unless given one; a real deploy script may omit
// `stateDir` (the default, ~/.local/state/selur-compose, is the one `selur-compose ps`/`down` use).
const ownStateDir = args['state-dir'] === undefined;
const stateDir = args['state-dir'] ?? (await mkdtemp(join(tmpdir(), 'selur-deploy-')));
const runtime = processRuntime({ stateDir });

async function confirm(question: string): Promise<boolean> {
  if (args.yes) return true;
  if (!process.stdin.isTTY) {
    console.error('refusing to deploy without review: not a terminal and no --yes');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

let code = 0;
try {
  const project = await loadProject(args.file);
  const plan = await project.plan(runtime);
  if (!plan.hasChanges && args.down) {
    await project.down({ runtime });
    console.log(`removed '${project.name}'`);
  } else if (!plan.hasChanges) {
    console.log(`${project.name}: no changes`);
  } else {
    console.log(planToString(plan));
    const count = Object.entries(plan.summary).filter(([action]) => action !== 'unchanged').reduce((n, [, k]) => n + k, 0);
    if (!(await confirm(`apply ${count} change(s) to '${project.name}'?`))) {
      code = 1;
    } else {
      const stack = await project.up({
        runtime,
        onFailure: 'rollback', // the default: what this run created is removed again on failure
        onEvent: (e) => { if (e.type === 'service.healthy' || e.type === 'up.done') console.log(`  ${e.type}${'service' in e ? ` ${e.service}` : ''}`); },
      });
      await project.plan(runtime, { expectNoChanges: true }); // throws PlanChangesError on drift
      console.log(`deployed '${project.name}': ${(await stack.ps()).map((c) => `${c.service}=${c.state}`).join(' ')}`);
      if (args.down) {
        await stack.down();
        console.log(`removed '${project.name}'`);
      } else {
        console.log(`left running (state in ${stateDir}); remove it with --down --state-dir ${stateDir}`);
      }
    }
  }
} catch (error) {
  if (isServiceFailureError(error)) {
    console.error(`${error.code}: ${error.message}`); // service, reason, last log lines, health output
    console.error(`rolled back: ${error.rolledBack}; not started: ${error.skipped.join(', ') || '-'}`);
    code = 1;
  } else if (isComposeError(error)) {
    console.error(`${error.code}: ${error.message}`);
    code = 1;
  } else {
    throw error;
  }
} finally {
  await runtime.close?.();
  // close() releases the services: they keep running after this process exits, until a --down.
  if (ownStateDir && (args.down || code !== 0)) await rm(stateDir, { recursive: true, force: true });
}
process.exit(code);
