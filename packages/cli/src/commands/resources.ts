import type { ResourceInfo, Runtime } from '@selur/compose';
import { stringOption, type Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../render/table.js';
import { json, loaded, requireCapability, type Handler } from './common.js';

type Kind = 'network' | 'volume';

function list(runtime: Runtime, kind: Kind, project: string): Promise<readonly ResourceInfo[]> {
  return kind === 'network' ? runtime.listNetworks(project) : runtime.listVolumes(project);
}

const ls = (kind: Kind): Handler => async (ctx) => {
  const { spec } = await loaded(ctx);
  const runtime = await ctx.runtime();
  requireCapability(runtime, `${kind}s`, `${kind} ls`);
  const items = await list(runtime, kind, spec.name);
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(items));
  else
    ctx.print(
      formatTable<ResourceInfo>(
        [
          { header: 'name', value: (i) => i.name },
          { header: `${kind} name`, value: (i) => i.runtimeName },
          { header: 'id', value: (i) => i.id.slice(0, 12) },
        ],
        items,
      ),
    );
  return ExitCode.ok;
};

const create = (kind: Kind): Handler => async (ctx) => {
  const { spec } = await loaded(ctx);
  const runtime = await ctx.runtime();
  requireCapability(runtime, `${kind}s`, `${kind} create`);
  const declared = kind === 'network' ? spec.networks : spec.volumes;
  const names = ctx.parsed.positionals.length > 0 ? ctx.parsed.positionals : Object.keys(declared);
  for (const name of names) {
    const resource = declared[name];
    if (!resource) throw new UsageError(`no ${kind} '${name}' in project '${spec.name}' (declared: ${Object.keys(declared).join(', ') || 'none'})`, `${kind} create`);
    if (resource.external) {
      ctx.warn(`${kind} '${name}' is external: the project never creates it`);
      continue;
    }
    const request = { project: spec.name, name, runtimeName: `${spec.name}_${name}` };
    const result =
      kind === 'network'
        ? await runtime.ensureNetwork({ ...request, spec: spec.networks[name]! })
        : await runtime.ensureVolume({ ...request, spec: spec.volumes[name]! });
    ctx.print(`${kind} ${name} (${result.info.runtimeName}) ${result.created ? 'created' : 'already exists'}\n`);
  }
  return ExitCode.ok;
};

const rm = (kind: Kind): Handler => async (ctx: Context) => {
  const { spec } = await loaded(ctx);
  const runtime = await ctx.runtime();
  requireCapability(runtime, `${kind}s`, `${kind} rm`);
  const existing = await list(runtime, kind, spec.name);
  let failed = false;
  for (const name of ctx.parsed.positionals) {
    const found = existing.find((r) => r.name === name || r.runtimeName === name);
    if (!found) {
      ctx.io.stderr.write(`error: no ${kind} '${name}' in project '${spec.name}'\n`);
      failed = true;
      continue;
    }
    if (kind === 'network') await runtime.removeNetwork(spec.name, found.runtimeName);
    else await runtime.removeVolume(spec.name, found.runtimeName);
    ctx.print(`${kind} ${found.name} (${found.runtimeName}) removed\n`);
  }
  return failed ? ExitCode.error : ExitCode.ok;
};

/** Handlers of `network ls|create|rm` and `volume ls|create|rm`. */
export const resourceHandlers = {
  'network ls': ls('network'),
  'network create': create('network'),
  'network rm': rm('network'),
  'volume ls': ls('volume'),
  'volume create': create('volume'),
  'volume rm': rm('volume'),
} as const satisfies Readonly<Record<`${Kind} ${'ls' | 'create' | 'rm'}`, Handler>>;
