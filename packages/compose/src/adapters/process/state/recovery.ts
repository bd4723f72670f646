import { processRuns } from './container-info.js';
import { findMarked, type KnownProcess, type MarkedProcess } from './process-table.js';
import type { ContainerRecord, ProjectState } from './types.js';

/**
 * Reconciling a project's state with the processes that run: every service carries the marker of
 * process-table.ts, so the processes of a project are found without its state file. A state
 * file that is damaged (see file.ts), truncated at a line boundary or deleted thus never leaves a
 * service that no `ps` shows and no `down` stops.
 */

/** How far {@link adoptMarked} trusts the state. */
export type AdoptMode =
  /** The state is whole: only processes of containers it does not know, or whose recorded process is gone, are taken in (a `created` container's process is its held child, unless it runs the service's argv). */
  | 'strays'
  /** The state is a salvage: every marked process is taken in unless its record names it already. */
  | 'salvage';

/**
 * Takes the marked processes `found` into `state` (a draft, under the lock): a container it does
 * not know gets a recovered record (service, replica and id from the marker, argv and working
 * folder from `/proc`; no owner, so anyone may stop it); a known one is recorded running that
 * process (released: no owner supervises it). Returns the ids taken in.
 */
export function adoptMarked(state: ProjectState, found: ReadonlyMap<string, MarkedProcess>, mode: AdoptMode): string[] {
  const adopted: string[] = [];
  const now = new Date().toISOString();
  for (const marked of missing(state, found, mode)) {
    const current = state.containers[marked.id];
    const running = { state: 'running', pid: marked.pid, pidStartTime: marked.startTime, ownerPid: undefined, ownerStartTime: undefined, releasedAt: now, exitCode: undefined, finishedAt: undefined, reapedAt: undefined } as const;
    if (current) Object.assign(current, running);
    else state.containers[marked.id] = recoveredRecord(state.project, marked, now, running);
    adopted.push(marked.id);
  }
  return adopted;
}

/** The processes of `found` that {@link adoptMarked} would take into `state`. */
export function missing(state: ProjectState, found: ReadonlyMap<string, MarkedProcess>, mode: AdoptMode): MarkedProcess[] {
  return [...found.values()].filter((marked) => {
    const current = Object.hasOwn(state.containers, marked.id) ? state.containers[marked.id] : undefined;
    if (current && current.pid === marked.pid && (current.pidStartTime === marked.startTime || marked.startTime === undefined) && (current.state === 'running' || current.state === 'paused')) return false;
    if (!current || mode === 'salvage') return true;
    if (processRuns(current)) return false; // its own process runs: the marked one is an exec beside it
    // A created container's process is its held child (waiting to exec), unless it runs the
    // service's argv already: then the state lost the start.
    return current.state !== 'created' || sameArgv(marked.command, current.command);
  });
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, index) => arg === b[index]);
}

/**
 * The processes `state` records that {@link adoptMarked} would leave alone while they run, so
 * that a scan of the process table need not read them (see {@link findMarked}): in `strays`
 * mode every recorded process (one that runs is its container's, whatever the record's state),
 * in `salvage` mode those of `running` and `paused` records. A record without a start time is
 * not among them: without it a reused pid could pass for the recorded process.
 */
export function accountedFor(state: ProjectState, mode: AdoptMode): KnownProcess[] {
  const known: KnownProcess[] = [];
  for (const record of Object.values(state.containers)) {
    if (record.pid === undefined || record.pidStartTime === undefined) continue;
    if (mode === 'salvage' && record.state !== 'running' && record.state !== 'paused') continue;
    known.push({ id: record.id, pid: record.pid, startTime: record.pidStartTime });
  }
  return known;
}

/** {@link adoptMarked} over a fresh scan of the process table (skipping what `state` accounts for). */
export function adoptLive(stateDir: string, state: ProjectState, mode: AdoptMode): string[] {
  return adoptMarked(state, findMarked(stateDir, state.project, accountedFor(state, mode)), mode);
}

function recoveredRecord(project: string, marked: MarkedProcess, now: string, running: Partial<ContainerRecord>): ContainerRecord {
  return {
    id: marked.id, name: `${project}_${marked.service}_${marked.replica}`, project, service: marked.service, replica: marked.replica,
    // An unknown configuration: the next `up` replaces it rather than keep it.
    configHash: '', image: '', labels: {}, command: marked.command, cwd: marked.cwd, env: {}, ports: [], mounts: [],
    restart: 'no', stopSignal: 'SIGTERM', stopGraceMs: 10_000,
    state: 'running', desired: 'running', createdAt: now, startedAt: now, restartCount: 0, health: 'none',
    ...running,
  };
}

/**
 * Says what a recovery did, as a process warning (`SelurComposeWarning`, code
 * `SELUR_STATE_RECOVERED`): printed on stderr by default, `process.on('warning')` to handle it.
 */
export function reportRecovery(file: string, damage: string | undefined, adopted: readonly string[]): void {
  const found = adopted.length === 0 ? 'no running process of the project was missing from it' : `took in ${adopted.length} running process${adopted.length === 1 ? '' : 'es'} of the project from the process table (${adopted.join(', ')})`;
  const message = damage !== undefined
    ? `process runtime state file ${file} ${damage}; kept it as ${file}.damaged, rebuilt the state from what was whole and ${found}`
    : `process runtime state file ${file} did not record every running process of the project: ${found}`;
  process.emitWarning(message, { type: 'SelurComposeWarning', code: 'SELUR_STATE_RECOVERED' });
}
