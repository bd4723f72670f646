/**
 * The shape of the command table: what each command accepts, for parsing, help and completion.
 * Pure data; nothing here loads the SDK.
 */

/** One option of a command (or a global option). */
export interface OptionSpec {
  /** Long name without the dashes: `project-name`. */
  readonly name: string;
  /** One-letter alias without the dash: `p`. */
  readonly short?: string;
  /** `boolean` flags take no value; `string` options take one (numbers are parsed later). */
  readonly type: 'boolean' | 'string';
  /** May be given several times (values are collected in order). */
  readonly multiple?: boolean;
  /** Placeholder shown in help: `FILE`, `N`. */
  readonly value?: string;
  /** Allowed values, checked by the parser and offered by completion. */
  readonly choices?: readonly string[];
  /** The value must be a non-negative integer. */
  readonly integer?: boolean;
  /** One line for help. */
  readonly description: string;
  /** Shown in help as `(default: …)`. */
  readonly defaultText?: string;
  /** What completion offers as the value: files, services of the project, or the choices. */
  readonly complete?: 'file' | 'service';
}

/** A positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** Must be given. */
  readonly required?: boolean;
  /** Takes all remaining positionals. */
  readonly variadic?: boolean;
  /** Completion offers the project's services. */
  readonly complete?: 'service' | 'file';
}

/** A usage example shown in help. */
export interface ExampleSpec {
  readonly command: string;
  readonly description: string;
}

/** One command (or one subcommand of a group, named `network ls`). */
export interface CommandSpec {
  /** `up`, or `network ls` for a subcommand. */
  readonly name: string;
  readonly summary: string;
  /** Longer prose shown under the usage line. */
  readonly description?: string;
  readonly options: readonly OptionSpec[];
  readonly positionals: readonly PositionalSpec[];
  /**
   * After this many positionals, everything else is handed over verbatim (the command of `exec`
   * and `run`), options included.
   */
  readonly passThroughAfter?: number;
  readonly examples: readonly ExampleSpec[];
  /** Needs a compose file (most commands do; `completion` and `version` do not). */
  readonly needsProject?: boolean;
}

/** A group of subcommands (`network`, `volume`, `completion`). */
export interface GroupSpec {
  readonly name: string;
  readonly summary: string;
  readonly subcommands: readonly string[];
}
