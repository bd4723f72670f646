import { PlanChangesError } from '../errors/plan-changes-error.js';
import type { Runtime } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';
import { desiredState, oneShotServices, secretDigests } from './desired.js';
import { diffState } from './diff.js';
import { observeProject } from './observe.js';
import type { ProjectInput } from './project-input.js';
import { selectServices, type SelectOptions } from './select.js';
import type { DesiredState, DiffOptions, ObservedState, Plan } from './types.js';

/**
 * Options of `project.plan()`.
 */
export interface PlanOptions extends SelectOptions, DiffOptions {
  /**
   * Throw a `PlanChangesError` listing the changes when the plan is not empty (for CI).
   * @default false
   * @example
   * ```ts
   * await project.plan(runtime, { expectNoChanges: true });
   * ```
   */
  readonly expectNoChanges?: boolean | undefined;
}

/** @internal A plan plus the inputs it was computed from (the engine executes it against them). */
export interface PlanContext {
  readonly spec: ProjectSpec;
  readonly desired: DesiredState;
  readonly observed: ObservedState;
  readonly plan: Plan;
}

/** @internal Observes once and diffs. */
export async function computePlan(project: ProjectInput, runtime: Runtime, options: PlanOptions = {}): Promise<PlanContext> {
  const spec = project.toJSON();
  const selected = selectServices(spec, options);
  const digests = await secretDigests(spec, project.source.workingDir, project.source.variables);
  const waitKinds = new Map([...project.waitStrategies()].map(([name, w]) => [name, w.kind]));
  const desired = desiredState(spec, selected, {
    networks: runtime.capabilities.has('networks'),
    volumes: runtime.capabilities.has('volumes'),
    secretDigests: digests,
    oneShot: oneShotServices(spec, waitKinds),
    rollingUpdates: runtime.capabilities.has('field:deploy.update_config'),
  });
  const observed = await observeProject(runtime, spec.name);
  const plan = diffState(desired, observed, options);
  return { spec, desired, observed, plan };
}

/**
 * Throws {@link PlanChangesError} when the plan has changes (what `plan(runtime, { expectNoChanges: true })` does).
 *
 * @example
 * ```ts
 * assertNoChanges(await project.plan(runtime)); // in CI: fail when the deployed stack drifted
 * ```
 */
export function assertNoChanges(plan: Plan): void {
  if (!plan.hasChanges) return;
  const changes = [...plan.networks, ...plan.volumes, ...plan.services]
    .filter((i) => i.action !== 'unchanged')
    .map((i) => ({ kind: i.kind, name: i.name, action: i.action, reasons: i.reasons }));
  throw new PlanChangesError(plan.project, changes);
}

/**
 * Plans a project against a runtime without changing anything: observe once, diff, return the
 * plan (each action with its reasons).
 *
 * @example
 * ```ts
 * const plan = await planProject(project, runtime);
 * console.log(planToString(plan));
 * ```
 */
export async function planProject(project: ProjectInput, runtime: Runtime, options: PlanOptions = {}): Promise<Plan> {
  const { plan } = await computePlan(project, runtime, options);
  if (options.expectNoChanges) assertNoChanges(plan);
  return plan;
}
