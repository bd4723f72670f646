import { ComposeError, guardFor } from './compose-error.js';

/**
 * One change a plan would make, as listed by {@link PlanChangesError}.
 *
 * @example
 * ```ts
 * const change: PlannedChange = { kind: 'service', name: 'api', action: 'recreate', reasons: ['image changed'] };
 * ```
 */
export interface PlannedChange {
  readonly kind: 'service' | 'network' | 'volume';
  readonly name: string;
  readonly action: string;
  readonly reasons: readonly string[];
}

/**
 * `plan({ expectNoChanges: true })` found changes. Lists them (never any secret value), for CI
 * checks that a deployed stack matches its definition.
 *
 * @example
 * ```ts
 * try { await project.plan(runtime, { expectNoChanges: true }); }
 * catch (error) {
 *   if (isPlanChangesError(error)) for (const c of error.changes) console.error(c.name, c.action, c.reasons);
 * }
 * ```
 */
export class PlanChangesError extends ComposeError {
  override readonly name = 'PlanChangesError';
  readonly project: string;
  readonly changes: readonly PlannedChange[];

  constructor(project: string, changes: readonly PlannedChange[]) {
    const lines = changes.map((c) => `  ${c.action} ${c.kind} ${c.name}${c.reasons.length ? `: ${c.reasons.join(', ')}` : ''}`);
    super(`Project '${project}' has ${changes.length} pending change(s), expected none:\n${lines.join('\n')}`, { code: 'E_PLAN_CHANGES' });
    this.project = project;
    this.changes = changes;
  }
}

/**
 * True for a {@link PlanChangesError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isPlanChangesError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isPlanChangesError = guardFor<PlanChangesError>('E_PLAN_CHANGES');
