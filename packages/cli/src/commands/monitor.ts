import { readdirSync, readFileSync } from 'node:fs';
import { UnsupportedOperationError } from '@selur/compose';
import type { ContainerInfo } from '@selur/compose';
import { flag } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../render/table.js';
import { containerLabel, containersOf, loaded, selectServices, sleep, type Handler } from './common.js';
import { observedContainers } from './observe.js';

/** One host process, as `top` shows it. */
export interface HostProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  /** CPU time used, in seconds. */
  readonly cpuSeconds: number;
  /** Resident memory, in KiB. */
  readonly rssKiB: number;
  readonly command: string;
}

/** Parses `/proc/<pid>/stat` (the command name may hold spaces and parentheses). */
export function parseProcStat(text: string): { pid: number; ppid: number; pgrp: number; ticks: number; rssPages: number } | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5).
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  if (![pid, ppid, pgrp, ticks, rssPages].every(Number.isFinite)) return undefined;
  return { pid, ppid, pgrp, ticks, rssPages };
}

/** Processes of a service on this host: its pid and every process in its process group. */
export function hostProcesses(rootPid: number, procDir = '/proc'): HostProcess[] {
  const out: HostProcess[] = [];
  let entries: string[];
  try {
    entries = readdirSync(procDir).filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const entry of entries) {
    try {
      const stat = parseProcStat(readFileSync(`${procDir}/${entry}/stat`, 'utf8'));
      if (!stat || (stat.pid !== rootPid && stat.pgrp !== rootPid)) continue;
      const command = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      out.push({ pid: stat.pid, ppid: stat.ppid, pgrp: stat.pgrp, cpuSeconds: stat.ticks / 100, rssKiB: stat.rssPages * 4, command });
    } catch {
      // The process ended while we read it.
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** `top`: host processes of running services (runtimes that report a host pid). */
export const top: Handler = async (ctx) => {
  const { spec } = await loaded(ctx);
  const services = selectServices(spec, ctx.parsed.positionals, 'top');
  const runtime = await ctx.runtime();
  const containers = (await containersOf(runtime, spec.name, services, false)).filter((c) => c.state === 'running');
  if (containers.length > 0 && containers.every((c) => c.pid === undefined))
    throw new UnsupportedOperationError(runtime.name, 'top', { hint: 'the runtime reports no host process ids' });
  const rows: (HostProcess & { service: string })[] = [];
  for (const container of containers) {
    if (container.pid === undefined) continue;
    for (const p of hostProcesses(container.pid)) rows.push({ ...p, service: containerLabel(container, containers) });
  }
  ctx.print(
    formatTable(
      [
        { header: 'service', value: (r: (typeof rows)[number]) => r.service },
        { header: 'pid', value: (r) => String(r.pid), right: true },
        { header: 'ppid', value: (r) => String(r.ppid), right: true },
        { header: 'cpu', value: (r) => `${r.cpuSeconds.toFixed(2)}s`, right: true },
        { header: 'rss', value: (r) => `${(r.rssKiB / 1024).toFixed(1)}M`, right: true },
        { header: 'command', value: (r) => r.command },
      ],
      rows,
    ),
  );
  return ExitCode.ok;
};

/** A change seen between two observations of the project's containers. */
export interface ContainerChange {
  readonly time: string;
  readonly type: 'container';
  readonly action: 'create' | 'remove' | 'state' | 'health';
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly replica: number;
  readonly state: ContainerInfo['state'] | 'removed';
  readonly health: ContainerInfo['health'];
  readonly exitCode?: number | undefined;
}

/** The changes from one observation to the next (pure). */
export function diffContainers(before: readonly ContainerInfo[], after: readonly ContainerInfo[], time: Date): ContainerChange[] {
  const changes: ContainerChange[] = [];
  const old = new Map(before.map((c) => [c.id, c]));
  const base = (c: ContainerInfo) => ({ time: time.toISOString(), type: 'container' as const, id: c.id, name: c.name, service: c.service, replica: c.replica });
  for (const c of after) {
    const previous = old.get(c.id);
    const fields = { state: c.state, health: c.health, ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}) };
    if (!previous) changes.push({ ...base(c), action: 'create', ...fields });
    else if (previous.state !== c.state || previous.exitCode !== c.exitCode) changes.push({ ...base(c), action: 'state', ...fields });
    else if (previous.health !== c.health) changes.push({ ...base(c), action: 'health', ...fields });
  }
  const now = new Set(after.map((c) => c.id));
  for (const c of before) if (!now.has(c.id)) changes.push({ ...base(c), action: 'remove', state: 'removed', health: c.health });
  return changes;
}

/** `events`: state changes of the project's containers, observed until Ctrl-C. */
export const events: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'events') : [];
  const runtime = await ctx.runtime();
  const asJson = flag(ctx, 'json');
  // The health the engine observed (as `ps` says it): Docker's `starting` before its first
  // interval is no change after an `up` whose probes passed.
  const look = () => observedContainers(project, runtime, services);
  let previous: readonly ContainerInfo[] = await look();
  while (!ctx.signal.aborted) {
    await sleep(250, ctx.signal);
    if (ctx.signal.aborted) break;
    const current = await look();
    for (const change of diffContainers(previous, current, new Date(ctx.io.now()))) {
      if (asJson) ctx.print(`${JSON.stringify(change)}\n`);
      else {
        const detail = change.action === 'health' ? `health ${change.health}` : change.exitCode !== undefined && change.state === 'exited' ? `exited (${change.exitCode})` : change.state;
        ctx.print(`${change.time} ${ctx.out.service(change.service, change.name)} ${detail}\n`);
      }
    }
    previous = current;
  }
  return ExitCode.ok;
};
