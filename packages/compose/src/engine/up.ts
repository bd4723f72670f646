import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { planProject, type PlanOptions } from '../plan/make-plan.js';
import type { ProjectInput } from '../plan/project-input.js';
import type { Plan } from '../plan/types.js';
import type { Runtime } from '../runtime/types.js';
import { hubFor } from './event-hub.js';
import type { UpOptions } from './options.js';
import { projectView } from './project-view.js';
import { SignalTeardown } from './signals.js';
import { runConverge } from './run.js';
import { createStack } from './stack.js';
import type { Stack } from './stack-types.js';
import { validateUpOptions } from './validate-options.js';

/**
 * Converges a project on a runtime and returns its {@link Stack}: observe once, plan, create
 * what is missing, recreate what changed, start each service as soon as its own dependencies
 * meet their condition, wait for readiness. On failure the run is rolled back (or left, with
 * `onFailure: 'leave'`) and a typed error is thrown. `Project.up()` calls this with its default
 * runtime.
 *
 * @example
 * ```ts
 * const stack = await upProject(project, processRuntime(), { parallel: 4 });
 * ```
 */
export async function upProject<P extends ProjectInput>(project: P, runtime: Runtime, options: UpOptions = {}): Promise<Stack<P>> {
  validateUpOptions(options);
  if (options.handleSignals) return upHandlingSignals(project, runtime, options);
  const name = options.projectName ?? project.name;
  const hub = hubFor(project);
  let result;
  try {
    if (options.reuse && project.generatedName)
      throw new InvalidArgumentError(`up(): options.reuse needs a named project (a generated name like '${name}' differs on every run, so a warm stack could never be found again); pass a name to new Project()`, { field: 'reuse' });
    result = await runConverge(projectView(project, name), runtime, hub, { ...options, adoptForeign: options.reuse === true });
  } catch (error) {
    if (options.ownRuntime) await runtime.close?.();
    throw error;
  }
  return createStack(project, name, runtime, hub, result, options);
}

/** `up({ handleSignals: true })`: the up, and later the stack, are torn down on SIGINT/SIGTERM of this process. */
async function upHandlingSignals<P extends ProjectInput>(project: P, runtime: Runtime, options: UpOptions): Promise<Stack<P>> {
  const signals = new SignalTeardown();
  const signal = options.signal ? AbortSignal.any([options.signal, signals.abort.signal]) : signals.abort.signal;
  const forceSignal = options.forceSignal ? AbortSignal.any([options.forceSignal, signals.force.signal]) : signals.force.signal;
  let stack: Stack<P>;
  try {
    stack = await upProject(project, runtime, { ...options, handleSignals: false, signal, forceSignal });
  } catch (error) {
    if (signals.received) signals.resend();
    else signals.dispose();
    throw error;
  }
  signals.attach(() => stack.down({ forceSignal }), hubFor(project), stack.name);
  return stack;
}

/**
 * Plans a project against a runtime without changing anything.
 *
 * @example
 * ```ts
 * console.log(planToString(await planUp(project, runtime)));
 * ```
 */
export function planUp(project: ProjectInput, runtime: Runtime, options: PlanOptions = {}): Promise<Plan> {
  return planProject(projectView(project, project.name), runtime, options);
}

