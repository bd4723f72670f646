import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A `post_start` or `pre_stop` hook of a service exited with a non-zero status (as Docker Compose
 * does, the start or the stop that ran it fails). Carries the hook's exit code and output.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: dockerRuntime() }); }
 * catch (error) { if (isHookFailedError(error)) console.error(error.hook, error.exitCode, error.output); }
 * ```
 */
export class HookFailedError extends ComposeError {
  override readonly name = 'HookFailedError';
  /** `post_start` or `pre_stop`. */
  readonly hook: 'post_start' | 'pre_stop';
  /** The hook's command. */
  readonly command: readonly string[];
  readonly exitCode: number;
  /** Its output (stdout then stderr, trimmed, at most 4 KiB). */
  readonly output: string;

  constructor(hook: 'post_start' | 'pre_stop', command: readonly string[], exitCode: number, output: string, options: { service?: string | undefined; container?: string | undefined } = {}) {
    super(
      `${options.service ? `Service '${options.service}': ` : ''}the ${hook} hook \`${command.join(' ')}\` exited with status ${exitCode}` +
        `${options.container ? ` in container ${options.container}` : ''}${output ? `: ${output}` : ''}. Fix the hook's command, or remove the hook.`,
      { code: 'E_HOOK_FAILED', service: options.service, field: hook },
    );
    this.hook = hook;
    this.command = command;
    this.exitCode = exitCode;
    this.output = output;
  }
}

/**
 * True for a {@link HookFailedError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isHookFailedError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isHookFailedError = guardFor<HookFailedError>('E_HOOK_FAILED');
