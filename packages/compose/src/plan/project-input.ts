import type { WaitStrategy } from '../model/wait.js';
import type { ProjectSource, ProjectSpec } from '../spec/types.js';

/**
 * What the plan and the engine need of a project: its name, where it came from, its canonical
 * spec and its wait strategies. `Project` satisfies it.
 *
 * @example
 * ```ts
 * const input: ProjectInput = new Project('shop');
 * await planProject(input, runtime);
 * ```
 */
export interface ProjectInput {
  readonly name: string;
  /** True when the name was generated (no name given): such a project cannot be reused warm. */
  readonly generatedName?: boolean | undefined;
  readonly source: ProjectSource;
  toJSON(): ProjectSpec;
  waitStrategies(): ReadonlyMap<string, WaitStrategy>;
}
