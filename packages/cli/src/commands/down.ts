import type { ComposeEvent } from '@selur/compose';
import { flag, intOption, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { Handler } from './common.js';
import { isKubernetesRuntime, kubernetesDown } from './kubernetes.js';
import { cliTracing } from './telemetry.js';

/**
 * `down`: stop and remove in reverse dependency order, from any process.
 *
 * The runtime is made (its package loaded: `@selur/compose-docker` for Docker) while the project
 * file is read and checked, not after: the first stop waits for both, no longer for one then the
 * other. A project that cannot be loaded is still the error reported.
 */
export const down: Handler = async (ctx) => {
  const made = ctx.runtime();
  made.catch(() => undefined); // (its error is thrown below, once the project loaded)
  const project = await ctx.project({ nameOnly: true });
  const runtime = await made;
  if (isKubernetesRuntime(runtime)) return kubernetesDown(ctx, runtime, project.name);
  const sink = ctx.progress();
  const tracing = await cliTracing(ctx.io.env, (text) => ctx.warn(text));
  const timeout = intOption(ctx, 'timeout');
  try {
    const options = {
      runtime,
      volumes: flag(ctx, 'volumes'),
      ...(timeout !== undefined ? { timeout: timeout * 1000 } : {}),
      ...(flag(ctx, 'remove-orphans') ? { removeOrphans: true } : {}),
      // Ctrl-C while another process holds the project's lock stops waiting (nothing changed: exit 130)
      signal: ctx.signal,
      forceSignal: ctx.forceSignal,
      onEvent: (event: ComposeEvent) => sink.onEvent(event),
    };
    await (tracing ? tracing.down(project, options) : project.down(options));
  } finally {
    sink.close();
    await tracing?.flush();
  }
  return ExitCode.ok;
};
