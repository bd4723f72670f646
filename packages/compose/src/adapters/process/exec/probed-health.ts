import type { HealthStatus } from '../../../runtime/types.js';
import type { ContainerRecords } from '../state/records.js';
import type { ContainerRecord } from '../state/types.js';

/**
 * The health that this runtime object's probes found, held in memory until the state file has
 * it. A probe does not wait for that write: behind the other writes of an `up` (each a locked
 * read, change and write of the state file) it took 50 ms on a busy machine, twice per service
 * (the first failing probe, then the passing one), and a readiness check waited for it each time.
 * The write is queued at once, in order, so the file holds the last health soon after; meanwhile
 * this object's own `inspect`/`list` read it from here.
 */
export class ProbedHealth {
  readonly #latest = new Map<string, { readonly pid: number | undefined; readonly health: HealthStatus }>();

  constructor(private readonly records: ContainerRecords) {}

  /** Records the health a probe found (see the class); a failed write is reported as a warning. */
  remember(record: ContainerRecord, health: HealthStatus): void {
    const entry = { pid: record.pid, health };
    this.#latest.set(record.id, entry);
    this.records.setHealth(record, health).then(
      () => this.#forget(record.id, entry),
      (error: unknown) => {
        this.#forget(record.id, entry);
        process.emitWarning(`process runtime: the health of container ${record.id} (service '${record.service}') could not be recorded in the state file: ${error instanceof Error ? error.message : String(error)}`, { type: 'SelurComposeWarning' });
      },
    );
  }

  /** `record` with the health last probed here, when it is newer than the file's (same process). */
  apply(record: ContainerRecord): ContainerRecord {
    const latest = this.#latest.get(record.id);
    return latest && latest.pid === record.pid && latest.health !== record.health ? { ...record, health: latest.health } : record;
  }

  #forget(id: string, entry: object): void {
    if (this.#latest.get(id) === entry) this.#latest.delete(id);
  }
}
