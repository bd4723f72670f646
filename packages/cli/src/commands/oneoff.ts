import { createRequire } from 'node:module';
import { isServiceFailureError, Project, UnsupportedOperationError } from '@selur/compose';
import type { ProjectSpec, ServiceSpec, Stack } from '@selur/compose';
import { BIN } from '../args/commands.js';
import { flag, listOption } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { keepAlive, loaded, selectServices, type Handler } from './common.js';
import { parseEnvOptions } from './exec.js';

/** node:crypto, loaded by `run` only: every command loads this module, and crypto costs ~5 ms to load. */
function randomBytes(size: number): Buffer {
  return (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomBytes(size);
}

/** Label marking the replica of a one-off `run`. */
export const LABEL_ONEOFF = 'io.selur.compose.oneoff';

/**
 * The project with one more service: a copy of `service` running `command` once, without
 * published ports, healthcheck, restarts or replicas (like `docker compose run`).
 */
export function oneOffSpec(spec: ProjectSpec, service: string, name: string, command: readonly string[], env: Readonly<Record<string, string>>): ProjectSpec {
  const base = spec.services[service]!;
  const oneOff: ServiceSpec = {
    ...base,
    command: [...command],
    environment: { ...base.environment, ...env },
    ports: [],
    restart: 'no',
    healthcheck: undefined,
    deploy: { ...base.deploy, replicas: 1 },
    profiles: [],
    labels: { ...base.labels, [LABEL_ONEOFF]: service },
  };
  return { ...spec, services: { ...spec.services, [name]: oneOff } };
}

/**
 * `run SVC [CMD…]`: starts a one-off replica of a service (its dependencies too, unless
 * `--no-deps`), prints its output, and exits with its exit code.
 */
export const run: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const [service] = selectServices(spec, ctx.parsed.positionals, 'run');
  const command = ctx.parsed.rest.length > 0 ? ctx.parsed.rest : spec.services[service!]!.command;
  if (!command || command.length === 0) throw new UsageError(`missing COMMAND (${service} has no command of its own)`, 'run');
  const name = `${service}-run-${randomBytes(3).toString('hex')}`;
  const oneOff = Project.fromJSON(oneOffSpec(spec, service!, name, command, parseEnvOptions(listOption(ctx, 'env'), 'run')), project.source);
  const runtime = await ctx.runtime();
  const sink = ctx.progress();
  let stack: Stack;
  try {
    stack = await oneOff.up({
      runtime,
      services: [name],
      noDeps: flag(ctx, 'no-deps'),
      noRecreate: true,
      wait: false,
      signal: ctx.signal,
      forceSignal: ctx.forceSignal,
      onEvent: (event) => sink.onEvent(event),
    });
  } catch (error) {
    // A command that exits at once may end before the engine saw it start: that is its result.
    if (isServiceFailureError(error) && error.service === name && error.exitCode !== undefined) {
      for (const line of error.logs) ctx.print(`${line}\n`);
      return error.exitCode;
    }
    throw error;
  } finally {
    sink.close();
  }
  await keepAlive(async () => {
    for await (const line of stack.logs(name, { follow: true, signal: ctx.signal })) {
      if (line.stream === 'stderr') ctx.io.stderr.write(`${line.text}\n`);
      else ctx.print(`${line.text}\n`);
    }
  });
  const containers = (await runtime.listContainers(spec.name, { all: true })).filter((c) => c.service === name);
  if (ctx.signal.aborted)
    for (const c of containers) await runtime.stopContainer(c.id, { timeoutMs: ctx.forceSignal.aborted ? 0 : 10_000 }).catch(() => undefined);
  if (flag(ctx, 'rm')) for (const c of containers) await runtime.removeContainer(c.id, { force: true });
  else if (containers[0]) ctx.io.stderr.write(ctx.err.dim(`(kept ${containers[0].name}; '${BIN} down' removes it)\n`));
  if (ctx.signal.aborted) return ExitCode.interrupted;
  const final = containers[0] ? await runtime.inspectContainer(containers[0].id).catch(() => containers[0]) : undefined;
  return final?.exitCode ?? ExitCode.error;
};

/** `create`: creates networks, volumes and containers without starting them (`up({ start: false })`). */
export const create: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'create') : undefined;
  const runtime = await ctx.runtime();
  const sink = ctx.progress();
  try {
    await project.up({
      runtime,
      start: false,
      ...(services ? { services: [...services] } : {}),
      forceRecreate: flag(ctx, 'force-recreate'),
      noRecreate: flag(ctx, 'no-recreate'),
      signal: ctx.signal,
      forceSignal: ctx.forceSignal,
      onEvent: (event) => sink.onEvent(event),
    });
  } finally {
    sink.close();
  }
  return ExitCode.ok;
};
