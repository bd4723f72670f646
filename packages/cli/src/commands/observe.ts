import { parseDuration, projectSecretRedactor, UnsupportedOperationError } from '@selur/compose';
import type { ContainerInfo, ContainerState, LogLine, Project, ProjectSummary, Redactor, Runtime, StackContainer } from '@selur/compose';
import { flag, intOption, listOption, stringOption, type Context } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError } from '../errors/usage-error.js';
import { formatTable } from '../render/table.js';
import { attachedServices, containerLabel, containersOf, keepAlive, formatPorts, formatState, json, loaded, pickContainer, requireCapability, selectServices, type Handler } from './common.js';
import { mergeLogStreams, type PrefixedLine } from './log-stream.js';
import { compareNames } from '../compare-names.js';

/** The project's containers as the engine reports them (see `Project.ps`), for the given services (all when empty), sorted. */
export async function observedContainers(project: Project, runtime: Runtime, services: readonly string[]): Promise<StackContainer[]> {
  const wanted = new Set(services);
  return (await project.ps({ runtime }))
    .filter((c) => wanted.size === 0 || wanted.has(c.service))
    .sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica);
}

/**
 * On the process runtime, stops what a process that died left running (its owner never stopped
 * it; listing would do it anyway) and returns the ids, so that `ps` says what it changed.
 */
async function reapLeftovers(runtime: Runtime, project: string): Promise<ReadonlySet<string>> {
  const reaper = runtime as Runtime & { reap?: (project: string) => Promise<readonly string[]> };
  if (runtime.name !== 'process' || typeof reaper.reap !== 'function') return new Set();
  return new Set(await reaper.reap(project));
}

/** `ps`: the containers of the project, with the status and health the engine observed. */
export const ps: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx, { nameOnly: true });
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'ps') : [];
  const runtime = await ctx.runtime();
  // Together: the listing takes the reap's scan of the process table (a reap in flight is shared)
  // and shows what it stopped as exited.
  const [reaped, containers] = await Promise.all([reapLeftovers(runtime, spec.name), observedContainers(project, runtime, services)]);
  if (reaped.size > 0) {
    const gone = containers.filter((c) => reaped.has(c.id)).map((c) => containerLabel(c, containers));
    ctx.warn(`stopped ${gone.join(', ') || `${reaped.size} container(s)`}: the process that started ${gone.length === 1 ? 'it' : 'them'} died without stopping ${gone.length === 1 ? 'it' : 'them'}`);
  }
  const statuses = listOption(ctx, 'status');
  const shown =
    statuses.length > 0 ? containers.filter((c) => statuses.includes(c.state))
    : flag(ctx, 'all') ? containers
    : containers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused');
  if (flag(ctx, 'services')) {
    ctx.print([...new Set(shown.map((c) => c.service))].map((name) => `${name}\n`).join(''));
    return ExitCode.ok;
  }
  if (flag(ctx, 'quiet')) {
    ctx.print(shown.map((c) => `${c.id}\n`).join(''));
    return ExitCode.ok;
  }
  if (stringOption(ctx, 'format') === 'json') {
    ctx.print(json(shown));
    return ExitCode.ok;
  }
  const c = ctx.out;
  const stateColor = (info: StackContainer) => {
    const text = stateText(info);
    return info.state === 'running' ? c.green(text) : info.state === 'exited' && info.exitCode !== 0 ? c.red(text) : text;
  };
  ctx.print(
    formatTable<StackContainer>(
      [
        { header: 'name', value: (i) => i.name },
        { header: 'service', value: (i) => i.service },
        { header: 'state', value: stateColor },
        { header: 'health', value: (i) => (i.health === 'none' ? '' : i.health === 'healthy' ? c.green(i.health) : i.health === 'unhealthy' ? c.red(i.health) : i.health) },
        { header: 'ports', value: formatPorts },
      ],
      shown,
    ),
  );
  return ExitCode.ok;
};

/** Container states in the order `ls` shows their counts: the live ones first. */
const STATE_ORDER: readonly ContainerState[] = ['running', 'restarting', 'paused', 'created', 'exited', 'dead', 'unknown'];

/** `running(2), exited(1)`: a project's containers counted by state. */
function projectStatus(summary: ProjectSummary): string {
  return STATE_ORDER.filter((state) => (summary.states[state] ?? 0) > 0).map((state) => `${state}(${summary.states[state]})`).join(', ');
}

/**
 * `ls`: the projects with containers on the runtime (by default those with a live container:
 * running, restarting or paused), whatever the folder. Needs no compose file.
 */
export const ls: Handler = async (ctx) => {
  const runtime = await ctx.runtime();
  if (typeof runtime.listProjects !== 'function') throw new UnsupportedOperationError(runtime.name, 'ls', { hint: 'the process, docker and swarm runtimes list their projects' });
  const live = (p: ProjectSummary) => (p.states.running ?? 0) + (p.states.restarting ?? 0) + (p.states.paused ?? 0) > 0;
  const shown = (await runtime.listProjects()).filter((p) => flag(ctx, 'all') || live(p));
  if (flag(ctx, 'quiet')) ctx.print(shown.map((p) => `${p.name}\n`).join(''));
  else if (stringOption(ctx, 'format') === 'json') ctx.print(json(shown));
  else ctx.print(formatTable<ProjectSummary>([{ header: 'name', value: (p) => p.name }, { header: 'status', value: projectStatus }], shown));
  return ExitCode.ok;
};

/** `running`, `exited (3)`, `completed (0)` for a one-shot job that finished. */
function stateText(c: StackContainer): string {
  return c.state === 'exited' || c.state === 'dead' ? c.status : formatState(c);
}

function formatLogLine(line: PrefixedLine, ctx: Context, width: number, prefix: boolean, timestamps: boolean, redact: Redactor): string {
  const head = prefix ? `${ctx.out.service(line.service, line.label.padEnd(width))} ${ctx.out.dim('|')} ` : '';
  const time = timestamps ? `${line.line.timestamp.toISOString()} ` : '';
  return `${head}${time}${redact(line.line.text)}\n`;
}

/** `--since`: a timestamp (anything with a date, as `Date` reads it), or a duration before now (`10m`, `1h30m`). */
function sinceOption(ctx: Context): Date | undefined {
  const text = stringOption(ctx, 'since');
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at;
  } else {
    try {
      return new Date(ctx.io.now() - parseDuration(text, '--since'));
    } catch {
      // said below
    }
  }
  throw new UsageError(`--since takes a timestamp (2026-12-07T10:00:00Z) or a duration ago (10m, 1h30m, 45s); got '${text}'`, 'logs');
}

/** `logs`: output of services, merged (secrets redacted, as in log events); with `-f`, follows until Ctrl-C. */
export const logs: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx, { nameOnly: true });
  const redact = await projectSecretRedactor(project);
  const services = selectServices(spec, ctx.parsed.positionals, 'logs');
  const runtime = await ctx.runtime();
  const follow = flag(ctx, 'follow');
  requireCapability(runtime, follow ? 'logs.follow' : 'logs', follow ? 'logs --follow' : 'logs');
  // following without names: the services with `attach: false` are left out, as by `up`
  const attached = follow ? attachedServices(spec, ctx.parsed.positionals) : undefined;
  const containers = (await containersOf(runtime, spec.name, services, true)).filter((c) => attached === undefined || Object.keys(spec.services).length === 0 || attached.has(c.service));
  const width = Math.max(0, ...containers.map((c) => containerLabel(c, containers).length));
  const tail = intOption(ctx, 'tail');
  const since = sinceOption(ctx);
  const prefix = !flag(ctx, 'no-prefix');
  const timestamps = flag(ctx, 'timestamps');
  const sources = containers.map((c) => ({
    service: c.service,
    label: containerLabel(c, containers),
    lines: runtime.logs(c.id, { ...(tail !== undefined ? { tail } : {}), ...(since !== undefined ? { since } : {}), follow, signal: ctx.signal }),
  }));
  const print = (line: PrefixedLine) => ctx.print(formatLogLine(line, ctx, width, prefix, timestamps, redact));
  await keepAlive(() => mergeLogStreams(sources, { ordered: !follow, signal: ctx.signal }, print));
  // Ctrl-C is how a follow ends: that is success.
  return ExitCode.ok;
};

/** `8080`, `8080/udp`: the target port and its protocol (`--protocol` when the argument names none). */
function privatePort(text: string, protocol: string): { readonly target: number; readonly protocol: string } {
  const match = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(text);
  const target = match ? Number(match[1]) : NaN;
  if (!match || target < 1 || target > 65_535) throw new UsageError(`PRIVATE_PORT must be a port number from 1 to 65535, optionally with /tcp or /udp (8080, 8080/udp); got '${text}'`, 'port');
  return { target, protocol: match[2] ?? protocol };
}

/** `port SVC PRIVATE_PORT`: the host address the port is published on (`127.0.0.1:49153`, `[::1]:49153`). */
export const port: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx, { nameOnly: true });
  const [service, text = ''] = ctx.parsed.positionals;
  selectServices(spec, [service!], 'port');
  const wanted = privatePort(text, stringOption(ctx, 'protocol') ?? 'tcp');
  const runtime = await ctx.runtime();
  const containers = await observedContainers(project, runtime, [service!]);
  const picked = pickContainer(containers, service!, intOption(ctx, 'index'), true);
  const published = picked.ports.find((p) => p.target === wanted.target && p.protocol === wanted.protocol && p.published > 0);
  if (!published) {
    const has = picked.ports.filter((p) => p.published > 0).map((p) => `${p.target}/${p.protocol}`);
    throw new Error(`service '${service}' publishes no port ${wanted.target}/${wanted.protocol}${has.length > 0 ? ` (it publishes ${has.join(', ')})` : ' (it publishes none)'}: add "0:${wanted.target}" to its ports`);
  }
  const host = published.host === '' ? '0.0.0.0' : published.host;
  ctx.print(`${host.includes(':') ? `[${host}]` : host}:${published.published}\n`);
  return ExitCode.ok;
};

/** `inspect SVC`: what the runtime knows of one replica. */
export const inspect: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const [service] = selectServices(spec, ctx.parsed.positionals, 'inspect');
  const runtime = await ctx.runtime();
  const containers = await observedContainers(project, runtime, [service!]);
  const picked = pickContainer(containers, service!, intOption(ctx, 'index'), false) as StackContainer;
  // What the runtime knows, with the status and health the engine observed (as `ps` says them).
  const inspected = await runtime.inspectContainer(picked.id);
  const sameRun = inspected.state === picked.state && inspected.health === 'starting' && picked.health === 'healthy';
  const info: StackContainer = { ...inspected, health: sameRun ? 'healthy' : inspected.health, status: inspected.state === picked.state ? picked.status : inspected.state };
  if (stringOption(ctx, 'format') === 'json') {
    ctx.print(json(info));
    return ExitCode.ok;
  }
  const rows: [string, string][] = [
    ['name', info.name],
    ['id', info.id],
    ['service', `${info.service} (replica ${info.replica})`],
    ['image', info.image],
    ['state', stateText(info)],
    ['health', info.health],
    ['ports', formatPorts(info) || '-'],
    ['pid', info.pid === undefined ? '-' : String(info.pid)],
    ['created', info.createdAt ?? '-'],
    ['started', info.startedAt ?? '-'],
    ['restarts', String(info.restartCount ?? 0)],
    ['config hash', info.configHash],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  ctx.print(rows.map(([k, v]) => `${ctx.out.bold(k.padEnd(width))}  ${v}\n`).join(''));
  const labels = Object.entries(info.labels).sort(([a], [b]) => compareNames(a, b));
  if (labels.length > 0) ctx.print(`${ctx.out.bold('labels')}\n${labels.map(([k, v]) => `  ${k}=${v}\n`).join('')}`);
  return ExitCode.ok;
};

/** `health`: runs each running service's healthcheck once. */
export const health: Handler = async (ctx) => {
  const { spec } = await loaded(ctx);
  const services = selectServices(spec, ctx.parsed.positionals, 'health');
  const runtime = await ctx.runtime();
  requireCapability(runtime, 'health', 'health');
  const containers = (await containersOf(runtime, spec.name, services, true)).filter((c) => c.state === 'running');
  const rows: { service: string; status: string; exitCode: number | undefined; output: string }[] = [];
  for (const container of containers) {
    const label = containerLabel(container, containers);
    if (!spec.services[container.service]?.healthcheck || spec.services[container.service]?.healthcheck?.disable) {
      rows.push({ service: label, status: 'no healthcheck', exitCode: undefined, output: '' });
      continue;
    }
    const probe = await runtime.probeHealth(container.id, { timeoutMs: 30_000, signal: ctx.signal });
    rows.push({ service: label, status: probe.healthy ? 'healthy' : 'unhealthy', exitCode: probe.exitCode, output: probe.output.trim() });
  }
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(rows));
  else
    ctx.print(
      formatTable(
        [
          { header: 'service', value: (r: (typeof rows)[number]) => r.service },
          { header: 'status', value: (r) => (r.status === 'healthy' ? ctx.out.green(r.status) : r.status === 'unhealthy' ? ctx.out.red(r.status) : r.status) },
          { header: 'exit', value: (r) => (r.exitCode === undefined ? '' : String(r.exitCode)), right: true },
          { header: 'output', value: (r) => r.output.split('\n')[0]!.slice(0, 80) },
        ],
        rows,
      ),
    );
  return rows.some((r) => r.status === 'unhealthy') ? ExitCode.error : ExitCode.ok;
};

/** `images`: the image or bundle of each service. */
export const images: Handler = async (ctx) => {
  const { spec } = await loaded(ctx);
  const services = selectServices(spec, ctx.parsed.positionals, 'images');
  const rows = services.map((name) => {
    const service = spec.services[name]!;
    return { service: name, image: service.image, kind: service.image.endsWith('.ctp') ? 'ctp bundle' : 'image', build: service.build?.context ?? '' };
  });
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(rows));
  else
    ctx.print(
      formatTable(
        [
          { header: 'service', value: (r: (typeof rows)[number]) => r.service },
          { header: 'image', value: (r) => r.image },
          { header: 'kind', value: (r) => r.kind },
          { header: 'build', value: (r) => r.build },
        ],
        rows,
      ),
    );
  return ExitCode.ok;
};

/** `wait`: blocks until the services stop; exits with the first one's exit code. */
export const wait: Handler = async (ctx) => {
  const { spec } = await loaded(ctx);
  const services = selectServices(spec, ctx.parsed.positionals, 'wait');
  const runtime = await ctx.runtime();
  const limit = intOption(ctx, 'timeout');
  const deadline = limit === undefined ? Infinity : ctx.io.now() + limit * 1000;
  let delay = 50;
  for (;;) {
    const containers = await containersOf(runtime, spec.name, services, true);
    if (containers.length === 0) throw new Error(`no container of ${services.join(', ')} exists: start the stack first`);
    const live = containers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'created' || c.state === 'paused');
    if (live.length === 0) {
      const first = containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ?? containers[0]!;
      ctx.print(containers.map((c) => `${containerLabel(c, containers)} ${formatState(c)}\n`).join(''));
      return first.exitCode ?? ExitCode.ok;
    }
    if (ctx.signal.aborted) return ExitCode.interrupted;
    if (ctx.io.now() >= deadline) {
      ctx.io.stderr.write(`error: still running after ${limit}s: ${live.map((c) => containerLabel(c, containers)).join(', ')}\n`);
      return ExitCode.error;
    }
    await new Promise<void>((done) => {
      const timer = setTimeout(done, Math.min(delay, Math.max(0, deadline - ctx.io.now())));
      ctx.signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
    });
    delay = Math.min(1000, delay * 2);
  }
};

/** Re-exported for the type of a log source. */
export type { LogLine };
