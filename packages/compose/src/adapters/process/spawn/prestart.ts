import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChildSpawner, HeldChild } from './child-spawner.js';
import type { OutputFiles } from '../logs/files.js';
import { findProgram } from './program-path.js';
import { processStartTime, signalGroup } from './proc.js';
import type { ContainerRecord } from '../state/types.js';
import { processArgv, processEnvironment } from './environment.js';

/** Stubs spawned at once in the background. */
const STUBS_IN_FLIGHT = 16;
/** How often stubs are checked against their containers' existence (ms). */
const SWEEP_MS = 2_000;

/** A held child made for a container's first start, and its process's start time. */
export interface Stub {
  readonly child: HeldChild;
  /**
   * The process's start time as the kernel records it (see {@link processStartTime}), read
   * while the stub waited: an `exec` keeps it, so a start need not read it again.
   */
  readonly startTime: string | undefined;
}

interface Entry {
  readonly record: ContainerRecord;
  readonly files: OutputFiles;
  /** Set once the stub is being spawned. */
  child?: Promise<Stub | undefined>;
  /** Set when the stub ended before it was started (killed from outside). */
  ended?: boolean;
}

/**
 * Does the costly part of starting a host process when its container is created, as an OCI
 * runtime does (`create` sets the process up, `start` only lets it run): a held child (see
 * {@link ChildSpawner.spawnHeld}) is made with the service's working folder, environment, output
 * files and process group; starting the container releases it and it `exec`s the service's
 * program (same pid). A start then costs this process a message instead of a fork (which blocks
 * its thread for milliseconds, a burst of them for over 100 ms).
 *
 * Held children ("stubs") are made in the background, a few at a time, in creation order, so they
 * fill the time this process would spend waiting (on dependencies, on health). A start that comes
 * first has its stub made at once, ahead of the queue. A stub that is never started ends when its
 * container is stopped or removed, when the runtime is closed, or when this process exits; one
 * whose container was removed by another process ends at the next sweep (every
 * {@link SWEEP_MS} while there are stubs, asking `exists`).
 */
export class Prestarter {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  /** Stubs being spawned. */
  private inFlight = 0;
  /** The next spawns are scheduled. */
  private scheduled = false;
  private sweeper: NodeJS.Timeout | undefined;

  /**
   * @param exists whether a container still exists (its record is in the state file)
   * @param sweepMs how often stubs are checked against `exists`
   */
  constructor(
    private readonly spawner: ChildSpawner,
    private readonly exists: (record: ContainerRecord) => Promise<boolean> = async () => true,
    private readonly sweepMs = SWEEP_MS,
  ) {}

  /** Queues a stub for a created container, when its program can be found on the host. */
  prepare(record: ContainerRecord, files: OutputFiles): void {
    const [program] = record.command;
    if (program === undefined || this.entries.has(record.id)) return;
    // A missing program or folder is reported by the start (a typed spawn error), not by a stub.
    // (`process.env` is read through the C++ environment: one variable, not a copy of all of them.)
    if (!runnable(program, record.cwd, record.env.PATH ?? process.env.PATH)) return;
    const entry: Entry = { record, files };
    this.entries.set(record.id, entry);
    this.queue.push(entry);
    this.schedule();
    this.sweeper ??= setInterval(() => void this.sweep(), this.sweepMs).unref();
  }

  /**
   * The stub of container `id`, for its first start (released by the caller), spawned now if it
   * was still queued; undefined when there is none (the caller then spawns directly).
   */
  async take(id: string): Promise<Stub | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (!entry.child) {
      // Not spawned yet: now, ahead of the queue (a held child is as quick to get as a direct one).
      this.unqueue(entry);
      entry.child = spawnStub(this.spawner, entry);
    }
    const stub = await entry.child;
    return entry.ended ? undefined : stub;
  }

  /**
   * Ends the stub of container `id`, if any (its container is stopped or removed). Settles once
   * a stub being spawned is there and ended: the spawn creates the container's output files, so a
   * removal that deletes them (and the project's log folder with the last container) waits for
   * this first, or the files would appear after it.
   */
  async discard(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.unqueue(entry);
    const stub = await entry.child;
    if (stub) end(stub.child);
  }

  /** Ends every stub. */
  discardAll(): void {
    for (const id of [...this.entries.keys()]) void this.discard(id);
  }

  /** Ends the stubs of containers that no longer exist (removed by another process). */
  private async sweep(): Promise<void> {
    if (this.entries.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    for (const entry of [...this.entries.values()]) {
      const exists = await this.exists(entry.record).catch(() => true);
      if (!exists && this.entries.get(entry.record.id) === entry) void this.discard(entry.record.id);
    }
  }

  private unqueue(entry: Entry): void {
    const index = this.queue.indexOf(entry);
    if (index >= 0) this.queue.splice(index, 1);
  }

  /**
   * Spawns the next stubs once the event loop has had a turn, {@link STUBS_IN_FLIGHT} at most at
   * once, so a direct spawn or a release never queues behind many stubs. Several at once let the
   * zygote fork them together and wait for their first steps together: one at a time, every stub
   * cost a full round trip through the scheduler (12-17 ms each on a busy 2-core machine), and
   * an `up` of hundreds of services was as slow as that, service after service.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= STUBS_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < STUBS_IN_FLIGHT) {
        const entry = this.queue.shift();
        if (!entry) return;
        this.inFlight++;
        entry.child = spawnStub(this.spawner, entry);
        void entry.child.then(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    }).unref();
  }
}

function spawnStub(spawner: ChildSpawner, entry: Entry): Promise<Stub | undefined> {
  const { record, files } = entry;
  let env: Record<string, string | undefined>;
  try {
    env = processEnvironment(record);
  } catch {
    return Promise.resolve(undefined); // a secret copy is gone: the direct spawn reports it
  }
  const [program, ...args] = processArgv(record) as [string, ...string[]];
  const path = program.includes('/') ? program : (findProgram(program, env.PATH) ?? program);
  const stub = spawner.spawnHeld({ program: path, argv0: program, args, cwd: record.cwd, env, stdout: files.out, stderr: files.err, touch: [files.index], exitFile: files.exit });
  void stub.then((child) => child.exited.then(() => {
    if (!child.released) entry.ended = true;
  }), () => undefined);
  // A stub that cannot be spawned (a missing working folder) leaves the start to spawn
  // directly, which reports the error.
  return stub.then((child) => ({ child, startTime: child.startTime ?? processStartTime(child.pid) }), () => undefined);
}

/** True when `program` (a name on PATH, or a path from `cwd`) can be executed and `cwd` is a folder. */
function runnable(program: string, cwd: string, pathVariable: string | undefined): boolean {
  try {
    if (!statSync(cwd).isDirectory()) return false;
    if (!program.includes('/')) return findProgram(program, pathVariable) !== undefined;
    const path = resolve(cwd, program);
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function end(child: HeldChild): void {
  child.drop();
  signalGroup(child.pid, 'SIGKILL', undefined);
}
