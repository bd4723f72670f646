import type { HookSpec, ServiceSpec } from '@selur/compose';
import type { EngineClient } from './client/engine-client.js';
import { HookFailedError } from './errors/hook-failed-error.js';
import { execInContainer } from './exec.js';

/**
 * The label that carries a container's `post_start` and `pre_stop` hooks (JSON), so that any
 * process that starts or stops the container (a later `down`, another CLI) runs them.
 * @internal
 */
export const LABEL_HOOKS = 'io.selur.compose.hooks';

/** A container's lifecycle hooks. @internal */
export interface ContainerHooks {
  readonly post_start: readonly HookSpec[];
  readonly pre_stop: readonly HookSpec[];
}

/** The label value for a service's hooks; undefined without any. @internal */
export function hooksLabel(spec: ServiceSpec): string | undefined {
  const post = spec.post_start ?? [];
  const pre = spec.pre_stop ?? [];
  return post.length + pre.length === 0 ? undefined : JSON.stringify({ post_start: post, pre_stop: pre });
}

/** The hooks a container's labels carry (none when the label is missing or unreadable). @internal */
export function hooksOf(labels: Readonly<Record<string, string>> | null | undefined): ContainerHooks {
  const text = labels?.[LABEL_HOOKS];
  if (text === undefined) return { post_start: [], pre_stop: [] };
  try {
    const parsed = JSON.parse(text) as Partial<ContainerHooks>;
    return { post_start: parsed.post_start ?? [], pre_stop: parsed.pre_stop ?? [] };
  } catch {
    return { post_start: [], pre_stop: [] };
  }
}

const OUTPUT_LIMIT = 4096;

/**
 * Runs hooks one after the other inside the container through exec, as Docker Compose does (its
 * `user`, `privileged`, `working_dir` and `environment`); the first that exits non-zero throws
 * {@link HookFailedError}. @internal
 */
export async function runHooks(client: EngineClient, id: string, kind: 'post_start' | 'pre_stop', hooks: readonly HookSpec[], where: { service?: string | undefined; container?: string | undefined }): Promise<void> {
  for (const hook of hooks) {
    const result = await execInContainer(client, id, hook.command, {
      env: hook.environment,
      ...(hook.working_dir !== undefined ? { workdir: hook.working_dir } : {}),
      user: hook.user,
      privileged: hook.privileged,
    });
    if (result.exitCode !== 0) {
      const output = `${result.stdout}${result.stderr}`.trim();
      throw new HookFailedError(kind, hook.command, result.exitCode, output.length > OUTPUT_LIMIT ? output.slice(0, OUTPUT_LIMIT) : output, where);
    }
  }
}
