import { flag, intOption, listOption, stringOption } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { containersOf, loaded, pickContainer, requireCapability, selectServices, type Handler } from './common.js';

/** Parses repeated `-e KEY=VALUE` options. */
export function parseEnvOptions(values: readonly string[], command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`-e expects KEY=VALUE (got '${value}')`, command);
    env[value.slice(0, at)] = value.slice(at + 1);
  }
  return env;
}

/** `exec SVC CMD…`: runs a command in a running replica; exits with its exit code. */
export const exec: Handler = async (ctx) => {
  const { spec } = await loaded(ctx);
  const [service] = selectServices(spec, ctx.parsed.positionals, 'exec');
  const command = ctx.parsed.rest;
  if (command.length === 0) throw new UsageError('missing COMMAND', 'exec');
  const user = stringOption(ctx, 'user');
  const privileged = flag(ctx, 'privileged');
  const runtime = await ctx.runtime();
  requireCapability(runtime, 'exec', 'exec');
  if (user !== undefined) requireCapability(runtime, 'exec.user', 'exec --user');
  if (privileged) requireCapability(runtime, 'exec.privileged', 'exec --privileged');
  const containers = await containersOf(runtime, spec.name, [service!], true);
  const container = pickContainer(containers, service!, intOption(ctx, 'index'), true);
  const env = parseEnvOptions(listOption(ctx, 'env'), 'exec');
  const workdir = stringOption(ctx, 'workdir');
  const result = await runtime.exec(container.id, command, {
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(workdir !== undefined ? { workdir } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(privileged ? { privileged: true } : {}),
    signal: ctx.signal,
  });
  if (!runtime.capabilities.has('exec.output') && result.stdout === '' && result.stderr === '')
    ctx.warn(`the ${runtime.name} runtime does not return the output of exec`);
  ctx.print(result.stdout);
  ctx.io.stderr.write(result.stderr);
  return result.exitCode;
};
