import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerInfo } from '../runtime/types.js';
import { lockDir } from './lock.js';

/**
 * What the engine saw of one container: its service passed the engine's own readiness probes at
 * `healthyAt`, while the container ran with this config hash and this start time.
 */
interface Observation {
  readonly service: string;
  readonly configHash: string;
  /** The container's start time when it was seen ready: a restart makes the observation stale. */
  readonly startedAt?: string | undefined;
  /** ISO 8601. */
  readonly healthyAt: string;
}

/** The record file: container id → observation. */
interface HealthRecord {
  readonly version: 1;
  readonly containers: Readonly<Record<string, Observation>>;
}

function safe(part: string): string {
  return part.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

/**
 * @internal Where the health the engine observed is kept for later processes: beside the
 * project's lock file (`<tmp>/selur-compose-locks/<runtime>-<project>.health.json`).
 */
export function healthRecordFile(runtime: string, project: string, dir = lockDir()): string {
  return join(dir, `${safe(runtime)}-${safe(project)}.health.json`);
}

/** @internal The observations recorded for a project (empty when there is no readable record). */
export async function readHealthRecord(runtime: string, project: string, dir?: string): Promise<ReadonlyMap<string, Observation>> {
  try {
    const parsed = JSON.parse(await readFile(healthRecordFile(runtime, project, dir), 'utf8')) as Partial<HealthRecord>;
    if (parsed.version !== 1 || typeof parsed.containers !== 'object' || parsed.containers === null) return new Map();
    return new Map(Object.entries(parsed.containers).filter(([, o]) => typeof o?.configHash === 'string' && typeof o.healthyAt === 'string'));
  } catch {
    return new Map();
  }
}

/**
 * @internal Records, under the project lock, which containers the engine found healthy: the
 * running replicas of `healthy` (service → when), merged with earlier observations of containers
 * that still exist unchanged. Written whole to a temporary file and renamed, so a reader never
 * sees half of it. Best effort: a record that cannot be written only loses the later processes'
 * view of health, never the run.
 */
export async function recordHealth(runtime: string, project: string, containers: readonly ContainerInfo[], healthy: ReadonlyMap<string, Date>, dir?: string): Promise<void> {
  const file = healthRecordFile(runtime, project, dir);
  try {
    const before = await readHealthRecord(runtime, project, dir);
    const next: Record<string, Observation> = {};
    for (const c of containers) {
      if (c.state !== 'running') continue;
      const seen = healthy.get(c.service);
      if (seen) next[c.id] = { service: c.service, configHash: c.configHash, ...(c.startedAt ? { startedAt: c.startedAt } : {}), healthyAt: seen.toISOString() };
      else {
        const old = before.get(c.id);
        if (old && observationHolds(old, c)) next[c.id] = old;
      }
    }
    if (Object.keys(next).length === 0) {
      await unlink(file).catch(() => undefined);
      return;
    }
    await mkdir(dir ?? lockDir(), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    await writeFile(temporary, JSON.stringify({ version: 1, containers: next } satisfies HealthRecord));
    await rename(temporary, file).catch(async (error: unknown) => {
      await unlink(temporary).catch(() => undefined);
      throw error;
    });
  } catch {
    // Best effort (see above).
  }
}

/** @internal Forgets what the engine observed of a project (its `down`). */
export async function forgetHealth(runtime: string, project: string, dir?: string): Promise<void> {
  await unlink(healthRecordFile(runtime, project, dir)).catch(() => undefined);
}

/** An observation still speaks for the container: same config, not restarted since. */
function observationHolds(o: Observation, c: ContainerInfo): boolean {
  return o.service === c.service && o.configHash === c.configHash && (o.startedAt === undefined || c.startedAt === undefined || o.startedAt === c.startedAt);
}

/**
 * @internal True when the engine saw this container's service healthy, in this run of the
 * container (same config hash and start time): a runtime whose own healthcheck has not run yet
 * (Docker says `starting` until its first interval passed) does not contradict that.
 */
export function engineSawHealthy(record: ReadonlyMap<string, Observation>, c: ContainerInfo): boolean {
  const o = record.get(c.id);
  return o !== undefined && observationHolds(o, c);
}
