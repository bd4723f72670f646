import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmdirSync, rmSync, statSync, type BigIntStats } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StateFileError } from '../../errors/state-file-error.js';
import type { ProjectPaths } from './paths.js';
import type { ProjectState } from './state-store.js';

/**
 * Reading and writing one project's state file. Reads are synchronous: a state file is small (a
 * few hundred KiB for hundreds of services) and reads take microseconds from the page cache,
 * while the thread pool behind the asynchronous calls may be busy for milliseconds. Writes go
 * through the thread pool (see {@link storeState}). The last
 * content this process read or wrote is kept parsed, so the file is parsed again only when
 * another process changed it:
 * - each write starts the file with a random `writeId` (`{"version":1,"writeId":"…",…`);
 * - a lock-free {@link readState} compares the file's inode, size and modification time with the
 *   kept ones, and when the kept content is so recent that a write by another process could carry
 *   the same modification time (file systems stamp with a coarse clock), the write id too (the
 *   first bytes of the file: a file without one is compared whole);
 * - {@link loadDraft}, under the lock, always checks the write id (or the whole content).
 */

interface Kept {
  /** The write id found at the start of the file, if any. */
  readonly writeId: string | undefined;
  /** The whole file (kept only for files without a write id, to compare). */
  readonly raw: Buffer | undefined;
  /** The state's JSON without `version` and `writeId` (to skip writes that change nothing). */
  readonly body: string | undefined;
  /** Parsed; shared read-only with every reader of this process. */
  readonly state: ProjectState;
  /** `<inode>:<size>:<mtime ns>` of the file. */
  readonly version: string;
  readonly mtimeMs: number;
  /** When the content was last known to be the file's (ms, wall clock). */
  verifiedAt: number;
}

/** A file modified less than this before we last saw its content may have changed unseen (ms). */
const RACY_MS = 100;
/** Bytes that hold `{"version":1,"writeId":"<24 hex>",`. */
const PREFIX_BYTES = 64;
const WRITE_ID = /^\{"version":1,"writeId":"([0-9a-f]{24})"/;

const kept = new Map<string, Kept>();

/** The empty state of a project (no file). */
export const emptyState = (project: string): ProjectState => ({ version: 1, project, containers: {}, networks: {}, volumes: {} });

const versionOf = (info: BigIntStats): string => `${info.ino}:${info.size}:${info.mtimeNs}`;

interface FileRead {
  readonly version: string;
  readonly mtimeMs: number;
  readonly writeId: string | undefined;
  /** The whole file, unless the write id showed that the kept copy is current. */
  readonly raw: Buffer | undefined;
}

/**
 * Reads the file through one descriptor (so version and content describe the same file): its
 * write id first, and the rest only when `current` (the kept write id) does not match.
 * Undefined when there is no file.
 */
function readFile(file: string, current: string | undefined): FileRead | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, 'cannot be read', { cause: error });
  }
  try {
    const info = fstatSync(fd, { bigint: true });
    const head = Buffer.alloc(PREFIX_BYTES);
    const length = readSync(fd, head, 0, PREFIX_BYTES, 0);
    const writeId = WRITE_ID.exec(head.toString('latin1', 0, length))?.[1];
    const base = { version: versionOf(info), mtimeMs: Number(info.mtimeMs), writeId };
    if (writeId !== undefined && writeId === current) return { ...base, raw: undefined };
    return { ...base, raw: readFileSync(fd) };
  } catch (error) {
    throw new StateFileError(file, 'cannot be read', { cause: error });
  } finally {
    closeSync(fd);
  }
}

function parse(file: string, raw: Buffer): ProjectState {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as ProjectState;
    if (parsed.version !== 1 || typeof parsed.containers !== 'object' || parsed.containers === null) throw new Error('unexpected shape');
    return { ...parsed, networks: parsed.networks ?? {}, volumes: parsed.volumes ?? {} };
  } catch (error) {
    throw new StateFileError(file, 'is not a valid process-runtime state file (delete it if no service of the project runs)', { cause: error });
  }
}

/** The kept copy when `read` shows it is still the file's content (marked verified now). */
function stillCurrent(last: Kept | undefined, read: FileRead): Kept | undefined {
  if (!last) return undefined;
  const same = read.raw === undefined ? read.writeId === last.writeId : last.raw !== undefined && last.raw.equals(read.raw);
  if (!same) return undefined;
  last.verifiedAt = Date.now();
  return last;
}

/** Parses what `read` holds and keeps it. */
function keepParsed(file: string, read: FileRead): ProjectState {
  const raw = read.raw ?? readFileSync(file); // (raw is only missing when the write id matched)
  const state = parse(file, raw);
  kept.set(file, { writeId: read.writeId, raw: read.writeId === undefined ? raw : undefined, body: undefined, state, version: read.version, mtimeMs: read.mtimeMs, verifiedAt: Date.now() });
  return state;
}

/**
 * The project's state as on disk, without the lock (writes are atomic renames). The result is
 * shared with the other readers of this process: treat it as read-only.
 */
export function readState(file: string, project: string): ProjectState {
  let info: BigIntStats;
  try {
    info = statSync(file, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(project);
    throw new StateFileError(file, 'cannot be read', { cause: error });
  }
  const last = kept.get(file);
  if (last && last.version === versionOf(info) && last.verifiedAt - last.mtimeMs > RACY_MS) return last.state;
  const read = readFile(file, last?.version === versionOf(info) ? last.writeId : undefined);
  if (!read) return emptyState(project);
  const current = last?.version === read.version ? stillCurrent(last, read) : undefined;
  return current ? current.state : keepParsed(file, read);
}

/** What {@link loadDraft} gives: a private copy to change, and the JSON body it came from when known. */
export interface Draft {
  readonly draft: ProjectState;
  /** True when there was a file. */
  readonly existed: boolean;
  /** The loaded state's body as this process wrote it (undefined when unknown). */
  readonly body: string | undefined;
}

/**
 * Under the project's lock: a private copy of the state to change. Parses only when the file is
 * not what this process kept.
 */
export function loadDraft(file: string, project: string): Draft {
  const last = kept.get(file);
  const read = readFile(file, last?.writeId);
  if (!read) return { draft: emptyState(project), existed: false, body: undefined };
  const current = stillCurrent(last, read);
  if (current) return { draft: copyOf(current.state), existed: true, body: current.body };
  return { draft: copyOf(keepParsed(file, read)), existed: true, body: undefined };
}

/**
 * A copy that a change may mutate without touching what readers hold: fresh maps and a fresh
 * object per container (changes assign a record's own fields; its nested values are read-only).
 */
function copyOf(state: ProjectState): ProjectState {
  const containers: ProjectState['containers'] = {};
  for (const [id, record] of Object.entries(state.containers)) containers[id] = { ...record };
  return { version: 1, project: state.project, containers, networks: { ...state.networks }, volumes: { ...state.volumes } };
}

/** The JSON of each record as last written or read (records are replaced, never changed, once kept). */
const recordJson = new WeakMap<object, string>();

/**
 * The state's JSON without `version` and `writeId`, the same text as `JSON.stringify` makes.
 * A record whose fields are all the same values as in `previous` (a copy that no change
 * touched) reuses that record's JSON: a write of a 200-service project stringifies the few
 * records its batch changed, not all 200.
 */
function stateBody(state: ProjectState, previous: ProjectState | undefined): string {
  const containers = Object.entries(state.containers).map(([id, record]) => {
    const before = previous?.containers[id];
    let json = before && sameFields(record, before) ? recordJson.get(before) : undefined;
    if (json === undefined) json = JSON.stringify(record);
    recordJson.set(record, json);
    return `${JSON.stringify(id)}:${json}`;
  });
  return `{"project":${JSON.stringify(state.project)},"containers":{${containers.join(',')}},"networks":${JSON.stringify(state.networks)},"volumes":${JSON.stringify(state.volumes)}}`;
}

function sameFields(a: object, b: object): boolean {
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}

/**
 * Under the project's lock: writes `state` atomically (temp file + rename) unless it is what
 * the file already holds; a project with nothing left loses its file and its empty folders.
 * `state` becomes the kept (shared, read-only) view: the caller must not change it any more.
 * The file is written through the thread pool: a write and its rename take milliseconds on a
 * busy disk (file systems mounted with online discard stall on every replaced file), time this
 * thread spends serving readiness checks and logs instead. The caller holds the lock until it
 * settles.
 */
export async function storeState(paths: ProjectPaths, state: ProjectState, loaded: Draft): Promise<void> {
  const file = paths.stateFile;
  const isEmpty = Object.keys(state.containers).length === 0 && Object.keys(state.networks).length === 0 && Object.keys(state.volumes).length === 0;
  try {
    if (isEmpty) {
      kept.delete(file);
      if (!loaded.existed) return; // no file: nothing to clean up
      rmSync(file, { force: true });
      rmSync(paths.logsDir, { recursive: true, force: true });
      for (const dir of [paths.volumesDir, paths.dataDir]) {
        try {
          rmdirSync(dir);
        } catch {
          // not there, or not empty (a volume folder left on purpose)
        }
      }
      return;
    }
    const body = stateBody(state, kept.get(file)?.state);
    if (loaded.body === body) return; // nothing changed
    const writeId = randomBytes(12).toString('hex');
    const text = `{"version":1,"writeId":"${writeId}",${body.slice(1)}`;
    if (!loaded.existed) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const info = statSync(file, { bigint: true }); // under the lock: nobody else replaced it
    kept.set(file, { writeId, raw: undefined, body, state: { ...state, writeId }, version: versionOf(info), mtimeMs: Number(info.mtimeMs), verifiedAt: Date.now() });
  } catch (error) {
    throw new StateFileError(file, 'cannot be written', { cause: error });
  }
}
