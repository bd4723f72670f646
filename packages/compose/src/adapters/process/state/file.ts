import { closeSync, constants as fsConstants, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmdirSync, rmSync, statSync, type BigIntStats } from 'node:fs';
import { open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StateFileError } from '../../../errors/state-file-error.js';
import { crc32 } from './crc32.js';
import type { ProjectPaths } from './paths.js';
import type { ProjectState } from './types.js';

/**
 * Reading and writing one project's state file.
 *
 * The file is a journal: a snapshot (the whole state as one JSON line, starting with a random
 * `writeId`: `{"version":1,"writeId":"…",…}`), then one line per later write holding only what
 * that write changed (`{"containers":{"<id>":<record>|null},"networks":{…},"volumes":{…}}`, null
 * for a removal). A write appends its line; a write that would make the changes outweigh the
 * snapshot (or that finds the file in a shape it cannot append to) writes a new snapshot instead
 * (temp file + rename). A start of 200 services thus writes a few KiB per batch instead of the
 * whole state each time, and renames the file a couple of times instead of dozens.
 * Files of earlier versions (one JSON object, no newline, with or without a write id) are read
 * as a snapshot and replaced by a new one at the next write.
 *
 * Every line ends with `,"crc":"<8 hex>"}`: the CRC-32 of the line before that suffix, so a line
 * that was torn, overwritten or cut is told from a whole one (lines of earlier versions, without
 * it, are read as they are).
 *
 * Readers need no lock: a line is visible only once its newline is (JSON escapes newlines in
 * strings), so a line being appended is not read. A file that is not what writes leave (empty,
 * not JSON, a line whose CRC does not match, a format version this code does not know, shorter
 * than what this process read of it, or, under the lock, ending in a partial line: a write torn by
 * a crash, a truncated file) is *damaged*: what reads whole before the damage is kept (the
 * *salvage*) and the damage is described; the store then rebuilds the state from the salvage and
 * the live processes (see recovery.ts) and writes it as a new snapshot, keeping the damaged file
 * beside it as `<project>.json.damaged`.
 *
 * Reads are synchronous: a state file is small and reads take microseconds from the page cache,
 * while the thread pool behind the asynchronous calls may be busy for milliseconds. Writes go
 * through the thread pool (see {@link storeState}). The last content this process read or wrote
 * is kept parsed, so a read parses only what other processes appended since, or everything
 * when another process wrote a new snapshot:
 * - a lock-free {@link readState} compares the file's inode, size and modification time with the
 *   kept ones, and when the kept content is so recent that a write by another process could carry
 *   the same modification time (file systems stamp with a coarse clock), the write id too (the
 *   first bytes of the file: a file without one is compared whole);
 * - {@link loadDraft}, under the lock, always checks the write id (or the whole content).
 */

interface Kept {
  /** The snapshot's write id, if any. */
  readonly writeId: string | undefined;
  /** The whole file (kept only for files without a write id, to compare). */
  readonly raw: Buffer | undefined;
  /** Parsed (the snapshot and the changes after it); shared read-only with every reader of this process. */
  readonly state: ProjectState;
  /** `<inode>:<size>:<mtime ns>` of the file. */
  readonly version: string;
  readonly mtimeMs: number;
  /** Bytes read up to the end of the last whole line. */
  readonly consumed: number;
  /** Bytes of the snapshot line. */
  readonly snapshotBytes: number;
  /** Whether a change may be appended: the snapshot has a write id and ends with a newline, and nothing half-written follows the last line. */
  readonly appendable: boolean;
  /** Bytes follow the last whole line (a line being appended, or a torn one). */
  readonly partialTail: boolean;
  /** What is wrong with the file, when it is damaged ({@link state} then holds the salvage). */
  readonly damage: string | undefined;
  /** When the content was last known to be the file's (ms, wall clock). */
  verifiedAt: number;
}

/** A file modified less than this before we last saw its content may have changed unseen (ms). */
const RACY_MS = 100;
/** Bytes that hold `{"version":1,"writeId":"<24 hex>",`. */
const PREFIX_BYTES = 64;
const WRITE_ID = /^\{"version":1,"writeId":"([0-9a-f]{24})"/;
/** Changes may take this much room after a small snapshot before a new snapshot is written (bytes). */
const MIN_JOURNAL_BYTES = 16 * 1024;
const NEWLINE = 0x0a;
/** `,"crc":"<8 hex>"}`: how every line written ends. */
const SEAL_BYTES = 18;
const SEAL = /,"crc":"([0-9a-f]{8})"\}$/;
/** The format version this code reads and writes. */
const FORMAT_VERSION = 1;

/** A JSON object's text sealed with the CRC-32 of what precedes the seal, and a newline. */
function sealed(json: string): string {
  const body = json.slice(0, -1);
  return `${body},"crc":"${crc32(body).toString(16).padStart(8, '0')}"}\n`;
}

/** The JSON of line `raw[start, end)` when it is whole: its seal matches (or it has none: an earlier version's line); else undefined. */
function unsealed(raw: Buffer, start: number, end: number): string | undefined {
  const text = raw.toString('utf8', start, end);
  const seal = SEAL.exec(text.slice(-SEAL_BYTES));
  if (!seal) return text;
  return crc32(raw.subarray(start, end - SEAL_BYTES)) === Number.parseInt(seal[1] as string, 16) ? text : undefined;
}

const kept = new Map<string, Kept>();

/** The empty state of a project (no file). */
export const emptyState = (project: string): ProjectState => ({ version: 1, project, containers: {}, networks: {}, volumes: {} });

const versionOf = (info: BigIntStats): string => `${info.ino}:${info.size}:${info.mtimeNs}`;

/** What one line of changes holds: per map, the records written and the ids removed (null). */
interface Changes {
  containers?: Record<string, ProjectState['containers'][string] | null>;
  networks?: Record<string, ProjectState['networks'][string] | null>;
  volumes?: Record<string, ProjectState['volumes'][string] | null>;
}

/**
 * Reads the file through one descriptor (so version and content describe the same file): its
 * write id first; then, when `last` (the kept copy) holds the same snapshot, only the bytes
 * after what it read, else the whole file. Undefined when there is no file.
 */
function readFile(file: string, project: string, kept: Kept | undefined): Kept | undefined {
  // A damaged copy is no base to read on from: the whole file is read again.
  const last = kept?.damage === undefined && (kept?.consumed ?? 0) > 0 ? kept : undefined;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(file, 'cannot be read', { cause: error });
  }
  try {
    const info = fstatSync(fd, { bigint: true });
    const size = Number(info.size);
    const head = Buffer.alloc(PREFIX_BYTES);
    const length = readSync(fd, head, 0, PREFIX_BYTES, 0);
    const writeId = WRITE_ID.exec(head.toString('latin1', 0, length))?.[1];
    const meta = { version: versionOf(info), mtimeMs: Number(info.mtimeMs), verifiedAt: Date.now() };
    if (last && writeId !== undefined && writeId === last.writeId && size < last.consumed) {
      const raw = readFileSync(fd);
      const read = parseFile(file, project, raw, writeId, meta);
      return { ...read, damage: read.damage ?? `is shorter (${size} bytes) than what was read of it before (${last.consumed} bytes): it was truncated` };
    }
    if (last && writeId !== undefined && writeId === last.writeId && size >= last.consumed) {
      if (size === last.consumed) return { ...last, ...meta };
      // Appended to: the byte before the new ones is the newline that ended the last line read
      // (anything else is a file rewritten in place, by hand say: read whole).
      const tail = Buffer.alloc(size - last.consumed + 1);
      const got = readSync(fd, tail, 0, tail.length, last.consumed - 1);
      if (got === tail.length && tail[0] === NEWLINE) return appendLines(file, last, tail.subarray(1), meta);
    }
    const raw = readFileSync(fd);
    if (last && writeId === undefined && last.writeId === undefined && last.raw?.equals(raw)) {
      last.verifiedAt = meta.verifiedAt;
      return last;
    }
    return parseFile(file, project, raw, writeId, meta);
  } catch (error) {
    if (error instanceof StateFileError) throw error;
    throw new StateFileError(file, 'cannot be read', { cause: error });
  } finally {
    closeSync(fd);
  }
}

/** Why a snapshot line cannot be read, or undefined when it can (`parsed` is then its state). */
function snapshotProblem(text: string | undefined): { problem: string } | { parsed: ProjectState & { crc?: unknown } } {
  if (text === undefined) return { problem: 'its snapshot line does not match its checksum (torn or overwritten)' };
  if (text.trim() === '') return { problem: 'is empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'is not JSON (its snapshot line cannot be read)' };
  }
  const object = parsed as Partial<ProjectState> | null;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return { problem: 'does not hold a state object' };
  if (typeof object.version === 'number' && object.version > FORMAT_VERSION) return { problem: `has format version ${object.version}, newer than this version of @selur/compose reads (${FORMAT_VERSION}): it was written by a newer selur-compose` };
  if (object.version !== FORMAT_VERSION || typeof object.containers !== 'object' || object.containers === null) return { problem: 'does not hold a process-runtime state (unexpected version or shape)' };
  return { parsed: object as ProjectState };
}

/** Parses a whole file: its snapshot and the lines of changes after it (a damaged file gives its salvage and the damage). */
function parseFile(file: string, project: string, raw: Buffer, writeId: string | undefined, meta: Pick<Kept, 'version' | 'mtimeMs' | 'verifiedAt'>): Kept {
  const end = raw.indexOf(NEWLINE);
  const snapshotBytes = end < 0 ? raw.length : end + 1;
  const read = snapshotProblem(unsealed(raw, 0, end < 0 ? raw.length : end));
  if ('problem' in read) {
    // A snapshot is renamed into place whole, newline included: one that ends early was cut.
    const problem = end < 0 && writeId !== undefined && raw.length > 0 ? 'ends inside its snapshot line: it was truncated or torn' : read.problem;
    return { writeId, raw: undefined, state: emptyState(project), ...meta, consumed: 0, snapshotBytes: 0, appendable: false, partialTail: false, damage: problem };
  }
  const { crc: _crc, ...parsed } = read.parsed;
  const state: ProjectState = { ...parsed, project: parsed.project ?? project, networks: parsed.networks ?? {}, volumes: parsed.volumes ?? {} };
  const base: Kept = { writeId, raw: writeId === undefined ? raw : undefined, state, ...meta, consumed: snapshotBytes, snapshotBytes, appendable: writeId !== undefined && end >= 0, partialTail: false, damage: undefined };
  return end < 0 ? base : appendLines(file, base, raw.subarray(snapshotBytes), meta);
}

/** `last` with the whole lines of `tail` (the bytes after `last.consumed`) applied. */
function appendLines(_file: string, last: Kept, tail: Buffer, meta: Pick<Kept, 'version' | 'mtimeMs' | 'verifiedAt'>): Kept {
  let state = last.state;
  let offset = 0;
  for (let end = tail.indexOf(NEWLINE); end >= 0; end = tail.indexOf(NEWLINE, offset)) {
    const text = unsealed(tail, offset, end);
    let changes: Changes | undefined;
    try {
      changes = text === undefined ? undefined : (JSON.parse(text) as Changes);
    } catch {
      changes = undefined;
    }
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
      const line = `line at byte ${last.consumed + offset}`;
      const problem = text === undefined ? `its ${line} does not match its checksum (torn or overwritten)` : `its ${line} is not a JSON object of changes`;
      return { ...last, ...meta, state, consumed: last.consumed + offset, appendable: false, partialTail: false, damage: last.damage ?? problem };
    }
    state = applyChanges(state, changes);
    offset = end + 1;
  }
  return { ...last, ...meta, state, consumed: last.consumed + offset, appendable: last.appendable && offset === tail.length, partialTail: offset !== tail.length };
}

/** A new state with `changes` applied (the maps they touch are copied: `state` is shared). */
function applyChanges(state: ProjectState, changes: Changes): ProjectState {
  const apply = <T>(map: Record<string, T>, delta: Record<string, T | null> | undefined): Record<string, T> => {
    if (!delta) return map;
    const copy = { ...map };
    for (const [id, value] of Object.entries(delta)) {
      if (value === null) delete copy[id];
      else copy[id] = value;
    }
    return copy;
  };
  return { ...state, containers: apply(state.containers, changes.containers), networks: apply(state.networks, changes.networks), volumes: apply(state.volumes, changes.volumes) };
}

/** What {@link readState} found: the state, and whether the file needs a look under the lock. */
export interface StateRead {
  /** The state (the salvage of a damaged file). */
  readonly state: ProjectState;
  /**
   * Why the file must be checked under the lock (and repaired there when it is damaged): its
   * damage, or a partial last line (a line being appended, or a torn one). Undefined when whole.
   */
  readonly suspect: string | undefined;
}

/**
 * The project's state as on disk, without the lock (writes are atomic renames or appends of
 * whole lines). The result is shared with the other readers of this process: treat it as
 * read-only.
 */
export function readState(file: string, project: string): StateRead {
  let info: BigIntStats;
  try {
    info = statSync(file, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(project), suspect: undefined };
    throw new StateFileError(file, 'cannot be read', { cause: error });
  }
  const last = kept.get(file);
  if (last && last.version === versionOf(info) && last.verifiedAt - last.mtimeMs > RACY_MS) return { state: last.state, suspect: suspicion(last) };
  const read = readFile(file, project, last);
  if (!read) return { state: emptyState(project), suspect: undefined };
  kept.set(file, read);
  return { state: read.state, suspect: suspicion(read) };
}

function suspicion(read: Kept): string | undefined {
  return read.damage ?? (read.partialTail ? 'ends in a partial line (a write torn by a crash, or the file was truncated)' : undefined);
}

/** What {@link loadDraft} gives: a private view to change, and what it was made from. */
export interface Draft {
  /** The state to change: its `containers` copy a record when a change first reads it. */
  readonly draft: ProjectState;
  /** The file's content the draft was made from (undefined when there was no file). */
  readonly base: Kept | undefined;
  readonly containers: ContainerDraft;
  /** What is wrong with the file (the draft then starts from its salvage, and the write replaces it). */
  readonly damage: string | undefined;
}

/**
 * Under the project's lock: a private view of the state to change. Parses only what the file
 * holds beyond what this process kept.
 */
export function loadDraft(file: string, project: string): Draft {
  const read = readFile(file, project, kept.get(file));
  if (read) kept.set(file, read);
  const state = read?.state ?? emptyState(project);
  const containers = new ContainerDraft(state.containers);
  // Under the lock nobody is appending: a partial last line is a torn write, or a truncation.
  const damage = read && suspicion(read);
  return { draft: { version: 1, project: state.project, containers: containers.view, networks: { ...state.networks }, volumes: { ...state.volumes } }, base: read, containers, damage };
}

type Records = ProjectState['containers'];

/**
 * A project's containers as the changes of one batch see them, over the shared (read-only)
 * records: a record is copied when a change first reads it, so a batch that starts a few of
 * 200 services copies, compares and writes those few. Changes use it as a plain object (read,
 * assign, delete, enumerate); enumerating reads, and so copies, every record.
 */
export class ContainerDraft {
  /** The records the batch read (copies) or set. */
  readonly touched = new Map<string, Records[string]>();
  /** The ids the batch deleted. */
  readonly removed = new Set<string>();
  readonly view: Records;

  constructor(readonly base: Readonly<Records>) {
    this.view = new Proxy<Records>({}, {
      get: (_, id) => (typeof id === 'string' ? this.get(id) : undefined),
      set: (_, id, record: Records[string]) => this.set(id, record),
      defineProperty: (_, id, descriptor) => this.set(id, descriptor.value as Records[string]),
      deleteProperty: (_, id) => {
        if (typeof id !== 'string') return true;
        this.touched.delete(id);
        if (Object.hasOwn(this.base, id)) this.removed.add(id);
        return true;
      },
      has: (_, id) => typeof id === 'string' && this.has(id),
      ownKeys: () => this.keys(),
      getOwnPropertyDescriptor: (_, id) => (typeof id === 'string' && this.has(id) ? { value: this.get(id), writable: true, enumerable: true, configurable: true } : undefined),
    });
  }

  private get(id: string): Records[string] | undefined {
    const touched = this.touched.get(id);
    if (touched !== undefined || this.removed.has(id) || !Object.hasOwn(this.base, id)) return touched;
    const copy = { ...(this.base[id] as Records[string]) };
    this.touched.set(id, copy);
    return copy;
  }

  private set(id: string | symbol, record: Records[string]): boolean {
    if (typeof id !== 'string') return false;
    this.removed.delete(id);
    this.touched.set(id, record);
    return true;
  }

  private has(id: string): boolean {
    return this.touched.has(id) || (!this.removed.has(id) && Object.hasOwn(this.base, id));
  }

  private keys(): string[] {
    const keys = Object.keys(this.base).filter((id) => !this.removed.has(id));
    for (const id of this.touched.keys()) if (!Object.hasOwn(this.base, id)) keys.push(id);
    return keys;
  }

  /** The containers after the batch, as a plain object (the base itself when nothing was touched). */
  result(): Records {
    if (this.touched.size === 0 && this.removed.size === 0) return this.base as Records;
    const result = { ...this.base };
    for (const id of this.removed) delete result[id];
    for (const [id, record] of this.touched) result[id] = record;
    return result;
  }
}

/** The JSON of each record as last written or read (records are replaced, never changed, once kept). */
const recordJson = new WeakMap<object, string>();

/** A record's JSON, reusing the text of `before` when it has the same fields (a copy no change touched). */
function jsonOf(record: object, before: object | undefined): string {
  let json = recordJson.get(record);
  if (json !== undefined) return json;
  json = before && sameFields(record, before) ? recordJson.get(before) : undefined;
  if (json === undefined) json = JSON.stringify(record);
  recordJson.set(record, json);
  return json;
}

/** The JSON of a map of records (`{"<id>":<record>,…}`). */
function mapJson(map: Record<string, object>, before: Record<string, object> | undefined): string {
  return `{${Object.entries(map).map(([id, record]) => `${JSON.stringify(id)}:${jsonOf(record, before?.[id])}`).join(',')}}`;
}

/** The snapshot line of `state` with write id `writeId` (the same text as `JSON.stringify` makes, then a newline). */
function snapshotLine(state: ProjectState, before: ProjectState | undefined, writeId: string): string {
  return sealed(`{"version":1,"writeId":"${writeId}","project":${JSON.stringify(state.project)},"containers":${mapJson(state.containers, before?.containers)},"networks":${mapJson(state.networks, before?.networks)},"volumes":${mapJson(state.volumes, before?.volumes)}}`);
}

/**
 * The line of changes from `before` to `state`, or undefined when nothing changed: of the
 * containers, `candidates` (the ids a batch touched or removed) are compared, of the networks
 * and volumes all.
 */
function changesLine(state: ProjectState, before: ProjectState, candidates: Iterable<string>): string | undefined {
  const parts: string[] = [];
  for (const key of ['containers', 'networks', 'volumes'] as const) {
    const now = state[key] as Record<string, object>;
    const then = before[key] as Record<string, object>;
    const entries: string[] = [];
    for (const id of key === 'containers' ? candidates : new Set([...Object.keys(now), ...Object.keys(then)])) {
      const record = Object.hasOwn(now, id) ? now[id] : undefined;
      const old = Object.hasOwn(then, id) ? then[id] : undefined;
      if (record === undefined) {
        if (old !== undefined) entries.push(`${JSON.stringify(id)}:null`);
        continue;
      }
      const json = jsonOf(record, old);
      // Unchanged: the same fields, or equal ones (a record rebuilt with the same content).
      if (old !== undefined && json === jsonOf(old, undefined)) continue;
      entries.push(`${JSON.stringify(id)}:${json}`);
    }
    if (entries.length > 0) parts.push(`"${key}":{${entries.join(',')}}`);
  }
  return parts.length === 0 ? undefined : sealed(`{${parts.join(',')}}`);
}

function sameFields(a: object, b: object): boolean {
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}

/**
 * Under the project's lock: records what the changes made of `loaded` (see {@link loadDraft}),
 * unless it is what the file already holds. It appends a line of the changes, or writes a new
 * snapshot (temp file + rename) when there is no file, when the file cannot be appended to, or
 * when the changes since the snapshot would outweigh it. A project with nothing left loses its
 * file and its empty folders. The result becomes the kept (shared, read-only) view: the caller
 * must not change the draft any more.
 * The file is written through the thread pool: a write takes milliseconds on a busy disk (file
 * systems mounted with online discard stall on every replaced file), time this thread spends
 * serving readiness checks and logs instead. The caller holds the lock until it settles.
 */
export async function storeState(paths: ProjectPaths, loaded: Draft): Promise<void> {
  const file = paths.stateFile;
  const base = loaded.base;
  const state: ProjectState = { ...loaded.draft, containers: loaded.containers.result() };
  const candidates = [...loaded.containers.touched.keys(), ...loaded.containers.removed];
  const isEmpty = Object.keys(state.containers).length === 0 && Object.keys(state.networks).length === 0 && Object.keys(state.volumes).length === 0;
  try {
    if (loaded.damage !== undefined && base) {
      // Kept for inspection (the last damaged copy only); the state is written anew below.
      renameSync(file, `${file}.damaged`);
      kept.delete(file);
      if (isEmpty) return;
      await writeSnapshot(paths, state, undefined, false);
      return;
    }
    if (isEmpty) {
      kept.delete(file);
      if (!base) return; // no file: nothing to clean up
      rmSync(file, { force: true });
      try {
        rmSync(paths.logsDir, { recursive: true, force: true });
      } catch {
        // A file made in it meanwhile (ENOTEMPTY): a container being created by another runtime
        // object, whose files are not ours to delete. The state is written (gone) all the same.
      }
      for (const dir of [paths.volumesDir, paths.dataDir]) {
        try {
          rmdirSync(dir);
        } catch {
          // not there, or not empty (a volume folder left on purpose)
        }
      }
      return;
    }
    const changes = base ? changesLine(state, base.state, candidates) : undefined;
    if (base && changes === undefined) return; // nothing changed
    const journalBytes = base ? base.consumed - base.snapshotBytes : 0;
    if (base?.appendable && changes !== undefined && journalBytes + Buffer.byteLength(changes) <= Math.max(base.snapshotBytes, MIN_JOURNAL_BYTES)) {
      const info = await appendTo(file, changes);
      if (info) {
        kept.set(file, { ...base, state: { ...state, writeId: base.writeId }, version: versionOf(info), mtimeMs: Number(info.mtimeMs), consumed: Number(info.size), verifiedAt: Date.now() });
        return;
      }
    }
    await writeSnapshot(paths, state, base?.state, base !== undefined);
  } catch (error) {
    throw new StateFileError(file, 'cannot be written', { cause: error });
  }
}

/** Writes `state` as a new snapshot (temp file + rename) and keeps it. */
async function writeSnapshot(paths: ProjectPaths, state: ProjectState, before: ProjectState | undefined, folderExists: boolean): Promise<void> {
  const file = paths.stateFile;
  const writeId = randomBytes(12).toString('hex');
  const text = snapshotLine(state, before, writeId);
  if (!folderExists) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const info = statSync(file, { bigint: true }); // under the lock: nobody else replaced it
  const bytes = Number(info.size);
  kept.set(file, { writeId, raw: undefined, state: { ...state, writeId }, version: versionOf(info), mtimeMs: Number(info.mtimeMs), consumed: bytes, snapshotBytes: bytes, appendable: true, partialTail: false, damage: undefined, verifiedAt: Date.now() });
}

/**
 * Appends `text` to `file` and gives the file's status after it; undefined when the file is
 * gone (removed by hand: opened without O_CREAT, so that it never becomes a lone line of
 * changes).
 */
async function appendTo(file: string, text: string): Promise<BigIntStats | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_APPEND);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    await handle.write(text);
    return await handle.stat({ bigint: true });
  } finally {
    await handle.close();
  }
}
