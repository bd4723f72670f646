import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { isComposeError } from '../../errors/compose-error.js';
import { UnsupportedFieldError } from '../../errors/unsupported-field-error.js';
import { UnsupportedOperationError } from '../../errors/unsupported-operation-error.js';
import { WatchActionError, type WatchAction } from '../../errors/watch-action-error.js';
import { WatchConfigError } from '../../errors/watch-config-error.js';
import type { ProjectSpec } from '../../spec/types.js';
import type { ContainerInfo, FileSync } from '../../runtime/types.js';
import { emit, type EngineEnv } from '../env.js';
import { Batcher, QUIET_PERIOD_MS } from './batcher.js';
import { watchPaths } from './fs-watcher.js';
import { compileRules, matchRule, syncs, type WatchRule } from './rules.js';
import { compareNames } from '../../graph/compare-names.js';

/** @internal Files one sync hands a runtime at most (a folder that appeared is walked up to this). */
export const MAX_SYNC_FILES = 10_000;
/** @internal Paths an event names at most. */
const EVENT_PATHS = 100;

/** @internal What `runWatch` needs of the stack it watches. */
export interface WatchHost {
  readonly env: EngineEnv;
  readonly spec: ProjectSpec;
  /** Absolute folder the project's relative paths are resolved against. */
  readonly workingDir: string;
  /** The service's running containers. */
  containers(service: string): Promise<readonly ContainerInfo[]>;
  restart(service: string): Promise<void>;
  /** Builds the service's image where the runtime builds, then recreates it. */
  rebuild(service: string, signal: AbortSignal): Promise<void>;
}

interface SyncEntry {
  readonly source: string;
  readonly target: string;
  readonly rule: WatchRule;
}

interface ServiceWork {
  readonly rebuild: string[];
  readonly restart: string[];
  readonly sync: Map<string, SyncEntry>;
  readonly syncPaths: string[];
  readonly execs: Set<WatchRule>;
}

/** The changes that bring `entries` into the service: removals of what is gone, copies of what is there (folders walked). */
async function fileChanges(entries: Iterable<SyncEntry>): Promise<FileSync[]> {
  const out: FileSync[] = [];
  const walk = async (folder: string, target: string, rule: WatchRule): Promise<void> => {
    const names = (await readdir(folder, { withFileTypes: true }).catch(() => [])).sort((a, b) => compareNames(a.name, b.name));
    for (const entry of names) {
      if (out.length >= MAX_SYNC_FILES) return;
      const full = join(folder, entry.name);
      if (rule.ignored(full)) continue;
      const to = posix.join(target, entry.name);
      if (entry.isDirectory()) await walk(full, to, rule);
      else if ((entry.isFile() || entry.isSymbolicLink()) && rule.included(full)) {
        const info = await stat(full).catch(() => undefined);
        if (info?.isFile()) out.push({ kind: 'copy', source: full, target: to });
      }
    }
  };
  for (const { source, target, rule } of entries) {
    if (out.length >= MAX_SYNC_FILES) break;
    const info = await stat(source).catch(() => undefined);
    if (info === undefined) out.push({ kind: 'delete', target });
    else if (info.isDirectory()) await walk(source, target, rule);
    else if (info.isFile()) out.push({ kind: 'copy', source, target });
  }
  return out;
}

function bindMounted(path: string, spec: ProjectSpec['services'][string], workingDir: string): boolean {
  return spec.volumes.some((m) => {
    if (m.type !== 'bind') return false;
    const rel = relative(resolve(workingDir, m.source), path);
    return !rel.startsWith('..') && !isAbsolute(rel);
  });
}

function failure(service: string, action: WatchAction, paths: readonly string[], error: unknown): WatchActionError {
  if (error instanceof WatchActionError) return error;
  const reason = isComposeError(error) || error instanceof Error ? error.message : String(error);
  return new WatchActionError(service, action, paths, reason, error);
}

/**
 * @internal Watches the `develop.watch` paths of `services` until `signal` aborts, and applies
 * each batch of changes through the runtime and `host`: per service, a rebuild first, then the
 * sync, then a restart, then the `sync+exec` commands. Resolves once stopped, every watcher
 * closed and the batch in flight finished.
 */
export async function runWatch(host: WatchHost, services: readonly string[], options: { readonly signal: AbortSignal; readonly debounceMs?: number | undefined }): Promise<void> {
  const { env, spec } = host;
  const { runtime } = env;
  const withRules = services.filter((s) => (spec.services[s]?.develop?.watch.length ?? 0) > 0);
  if (withRules.length === 0)
    throw new WatchConfigError(`none of the selected services (${services.join(', ') || 'none'}) has develop.watch rules; add a develop.watch section to the services to watch`);
  if (!runtime.capabilities.has('field:develop'))
    throw new UnsupportedFieldError(runtime.name, withRules.map((s) => ({ field: 'develop', where: `service '${s}'` })));
  const builds = runtime.capabilities.has('build') && runtime.buildService !== undefined;
  const rules: WatchRule[] = [];
  for (const service of withRules) {
    const own = spec.services[service]!;
    for (const rule of compileRules(service, own, host.workingDir, builds)) {
      if (syncs(rule.action) && bindMounted(rule.path, own, host.workingDir)) {
        emit(env, { type: 'warning', code: 'watch-bind-mounted', service, field: `services.${service}.develop.watch[${rule.index}].path`, message: `service '${service}': ${rule.path} is also bind-mounted into the service; develop.watch[${rule.index}] is not watched` });
        continue;
      }
      // refused by name before watching starts, not at the first change
      if (rule.exec?.user !== undefined && !runtime.capabilities.has('exec.user'))
        throw new UnsupportedOperationError(runtime.name, 'exec.user', { service, hint: `develop.watch[${rule.index}].exec.user needs a runtime that runs a command as another user; remove it (the command then runs as the service's user)` });
      if (rule.exec?.privileged === true && !runtime.capabilities.has('exec.privileged'))
        throw new UnsupportedOperationError(runtime.name, 'exec.privileged', { service, hint: `develop.watch[${rule.index}].exec.privileged needs a runtime that runs a command with extended privileges; remove it` });
      rules.push(rule);
    }
  }
  if (rules.some((r) => syncs(r.action)) && runtime.syncFiles === undefined) throw new UnsupportedOperationError(runtime.name, 'syncFiles', { hint: 'develop.watch sync actions need a runtime that copies files into its services' });
  const { signal } = options;
  if (signal.aborted) return;

  let chain = Promise.resolve();
  const batcher = new Batcher(options.debounceMs ?? QUIET_PERIOD_MS, (paths, dropped) => {
    if (dropped > 0) emit(env, { type: 'warning', code: 'watch-overflow', message: `${dropped} more changed paths in one batch than watching holds (${paths.length}) were left out; save again, or restart watching, to sync them` });
    chain = chain.then(() => (signal.aborted ? undefined : applyBatch(paths)));
  });
  const watched = [...new Set(rules.map((r) => r.path))];
  const watcher = await watchPaths(watched, (path) => { if (!signal.aborted) batcher.add(path); }, (error) =>
    emit(env, { type: 'warning', code: 'watch-error', message: `watching files failed: ${error.message}` }));

  const syncInto = async (service: string, entries: Iterable<SyncEntry>, paths: readonly string[]): Promise<void> => {
    const changes = await fileChanges(entries);
    if (changes.length === 0) return;
    if (changes.length >= MAX_SYNC_FILES)
      emit(env, { type: 'warning', code: 'watch-overflow', service, message: `service '${service}': a sync holds at most ${MAX_SYNC_FILES} files; the rest of this change was left out` });
    const containers = await host.containers(service);
    for (const container of containers) await runtime.syncFiles!(container.id, changes, { signal });
    if (containers.length > 0) emit(env, { type: 'watch.sync', service, paths: paths.slice(0, EVENT_PATHS), count: changes.length });
  };

  async function applyService(service: string, work: ServiceWork): Promise<void> {
    if (work.rebuild.length > 0) {
      try {
        await host.rebuild(service, signal);
        emit(env, { type: 'watch.rebuild', service, paths: work.rebuild.slice(0, EVENT_PATHS), count: work.rebuild.length });
      } catch (error) {
        emit(env, { type: 'watch.failed', service, action: 'rebuild', error: failure(service, 'rebuild', work.rebuild, error) });
        return;
      }
    }
    if (work.sync.size > 0) {
      try {
        await syncInto(service, work.sync.values(), work.syncPaths);
      } catch (error) {
        emit(env, { type: 'watch.failed', service, action: 'sync', error: failure(service, 'sync', work.syncPaths, error) });
        return;
      }
    }
    if (work.restart.length > 0) {
      try {
        await host.restart(service);
        emit(env, { type: 'watch.restart', service, paths: work.restart.slice(0, EVENT_PATHS), count: work.restart.length });
      } catch (error) {
        emit(env, { type: 'watch.failed', service, action: 'restart', error: failure(service, 'restart', work.restart, error) });
        return;
      }
    }
    for (const rule of work.execs) {
      const exec = rule.exec!;
      try {
        for (const container of await host.containers(service)) {
          const result = await runtime.exec(container.id, exec.command, {
            env: exec.environment,
            ...(exec.working_dir !== undefined ? { workdir: exec.working_dir } : {}),
            ...(exec.user !== undefined ? { user: exec.user } : {}),
            ...(exec.privileged === true ? { privileged: true } : {}),
            signal,
          });
          if (result.exitCode !== 0) {
            const output = `${result.stdout}${result.stderr}`.trim().slice(-500);
            throw new WatchActionError(service, 'sync+exec', work.syncPaths, `${exec.command.join(' ')} exited with code ${result.exitCode}${output ? `: ${output}` : ''}`);
          }
          emit(env, { type: 'watch.exec', service, command: exec.command, exitCode: result.exitCode });
        }
      } catch (error) {
        emit(env, { type: 'watch.failed', service, action: 'sync+exec', error: failure(service, 'sync+exec', work.syncPaths, error) });
      }
    }
  }

  async function applyBatch(paths: readonly string[]): Promise<void> {
    const work = new Map<string, ServiceWork>();
    const of = (service: string) => {
      let w = work.get(service);
      if (!w) work.set(service, (w = { rebuild: [], restart: [], sync: new Map(), syncPaths: [], execs: new Set() }));
      return w;
    };
    for (const path of [...paths].sort()) {
      for (const rule of rules) {
        const match = matchRule(rule, path);
        if (match === undefined) continue;
        const w = of(rule.service);
        if (rule.action === 'rebuild') w.rebuild.push(path);
        if (rule.action === 'restart' || rule.action === 'sync+restart') w.restart.push(path);
        if (syncs(rule.action) && match.target !== undefined) {
          w.sync.set(match.target, { source: path, target: match.target, rule });
          w.syncPaths.push(path);
        }
        if (rule.action === 'sync+exec') w.execs.add(rule);
      }
    }
    for (const service of withRules) {
      const w = work.get(service);
      if (w !== undefined && !signal.aborted) await applyService(service, w);
    }
  }

  try {
    for (const rule of rules) {
      if (!rule.initialSync || (rule.action !== 'sync' && rule.action !== 'sync+restart')) continue;
      try {
        await syncInto(rule.service, [{ source: rule.path, target: rule.target!, rule }], [rule.path]);
      } catch (error) {
        emit(env, { type: 'watch.failed', service: rule.service, action: rule.action, error: failure(rule.service, rule.action, [rule.path], error) });
      }
    }
    if (!signal.aborted) {
      emit(env, { type: 'watch.started', services: [...new Set(rules.map((r) => r.service))], paths: watched });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
  } finally {
    watcher.close();
    batcher.close();
    await chain;
    emit(env, { type: 'watch.stopped' });
  }
}
