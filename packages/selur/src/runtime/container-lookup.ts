/**
 * Finds Vörðr containers by name (the selur runtime's container id): a remembered Vörðr id first,
 * checked against the name, then `vordr_ps {all: true}`.
 */
import type { VordrClient, VordrContainerDetails } from '@selur/compose';
import { isVordrError } from '../errors/vordr-error.js';

/** @internal Whether a Vörðr tool failure says the thing does not exist. */
export function isNotFound(error: unknown): boolean {
  return isVordrError(error) && /not found|no such|does not exist/i.test(error.serverMessage);
}

/** @internal name → Vörðr id, as last seen. */
export class ContainerLookup {
  readonly #ids = new Map<string, string>();

  constructor(private readonly vordr: VordrClient) {}

  remember(name: string, vordrId: string): void {
    this.#ids.set(name, vordrId);
  }

  forget(name: string): void {
    this.#ids.delete(name);
  }

  clear(): void {
    this.#ids.clear();
  }

  /** `vordr_container_inspect`; `undefined` when it does not exist. */
  async inspect(vordrId: string): Promise<VordrContainerDetails | undefined> {
    try {
      const details = await this.vordr.containerInspect(vordrId);
      this.#ids.set(details.name, details.id);
      return details;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The container named (or with the Vörðr id) `id`; `undefined` when there is none. */
  async find(id: string): Promise<VordrContainerDetails | undefined> {
    const cached = this.#ids.get(id);
    if (cached !== undefined) {
      const details = await this.inspect(cached);
      if (details && details.name === id) return details;
      this.#ids.delete(id);
    }
    const summary = (await this.vordr.containerList({ all: true })).find((c) => c.name === id || c.id === id);
    return summary ? this.inspect(summary.id) : undefined;
  }
}
