/**
 * Shared helpers of the acceptance suite: a processRuntime per test on its own state folder, a
 * recording proxy counting mutating runtime calls, tiny node services, and a sweep that removes
 * whatever a test left (run from afterEach).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRuntime, type ProcessRuntime, type Runtime, type UpOptions } from '@selur/compose';

export const NODE = process.execPath;

/** Fast readiness polling (the internal knobs; never a wall-clock assertion). */
export const FAST: UpOptions = { pollFirstMs: 2, pollCapMs: 20, lockTimeout: 10_000 };

interface Tracked {
  readonly runtime: ProcessRuntime;
  readonly projects: Set<string>;
}
const tracked: Tracked[] = [];
const dirs: string[] = [];

/** A fresh state folder (removed by {@link cleanup}). */
export function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acceptance-'));
  dirs.push(dir);
  return dir;
}

/** A processRuntime on `dir` (default: a fresh folder); every project it sees is swept afterwards. */
export function runtime(dir: string = stateDir()): ProcessRuntime {
  const rt = processRuntime({ stateDir: dir, restartBackoff: { initialMs: 10, maxMs: 100 } });
  tracked.push({ runtime: rt, projects: new Set() });
  return rt;
}

/** Remembers a project name so that {@link cleanup} sweeps it from every runtime of the test. */
export function track(project: string): string {
  for (const t of tracked) t.projects.add(project);
  return project;
}

/** Removes every container, network and volume of the tracked projects, closes the runtimes, removes the folders. */
export async function cleanup(): Promise<void> {
  for (const { runtime: rt, projects } of tracked.splice(0)) {
    for (const project of projects) {
      for (const c of await rt.listContainers(project)) await rt.removeContainer(c.id, { force: true }).catch(() => {});
      for (const n of await rt.listNetworks(project)) await rt.removeNetwork(project, n.runtimeName).catch(() => {});
      for (const v of await rt.listVolumes(project)) await rt.removeVolume(project, v.runtimeName).catch(() => {});
    }
    await rt.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const MUTATING = ['ensureNetwork', 'ensureVolume', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'removeNetwork', 'removeVolume', 'restartContainer', 'pauseContainer', 'buildImage'] as const;

/**
 * A proxy over a real runtime that records every mutating call (and counts the in-flight
 * `startContainer` calls, for the `parallel` cap).
 */
export function recording<R extends Runtime>(inner: R): { runtime: R; calls: string[]; maxConcurrentStarts: () => number } {
  const calls: string[] = [];
  let inFlight = 0;
  let max = 0;
  const proxy = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!(MUTATING as readonly (string | symbol)[]).includes(key)) return fn.bind(target);
      return async (...args: unknown[]) => {
        calls.push(String(key));
        inFlight += 1;
        max = Math.max(max, inFlight);
        try {
          return await fn.apply(target, args);
        } finally {
          inFlight -= 1;
        }
      };
    },
  });
  return { runtime: proxy, calls, maxConcurrentStarts: () => max };
}

/** A node server on $PORT (after `delayMs`) answering `/health` with `ok` and `/` with `hello $GREETING`. */
export function server(delayMs = 0): string[] {
  return [
    NODE,
    '-e',
    `setTimeout(() => require('http').createServer((q, s) => s.end(q.url === '/health' ? 'ok' : 'hello ' + (process.env.GREETING || ''))).listen(+process.env.PORT, '127.0.0.1', () => console.log('listening on ' + process.env.PORT)), ${delayMs})`,
  ];
}

/** A process that prints each of `lines` then idles. */
export function printer(...lines: string[]): string[] {
  return [NODE, '-e', `for (const l of ${JSON.stringify(lines)}) console.log(l); setInterval(() => {}, 1000)`];
}

/** A process that idles forever. */
export const idle = (): string[] => [NODE, '-e', 'setInterval(() => {}, 1000)'];

export { recorder, rejection } from '../support/run-helpers.js';

let counter = 0;
/** A project name unique to this worker and call. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return track(`acc-${prefix}-${process.pid}-${counter}`);
}
