/**
 * A custom tool built on the event stream: a per-service timeline of an `up` and a `down` —
 * when each service waited, was created, started and became ready, and how long each phase took.
 *
 * Two ways to listen, both typed (`ComposeEvent` is a discriminated union on `type`):
 * - `onEvent` in `up()` options: called synchronously for every event of that run;
 * - `project.events()`: an async iterator of every event of the project's runs from now on
 *   (here, it collects the `down` that `await using` runs, until `down.done`).
 *
 * Run: `node --import tsx examples/event-tool/timeline.ts [compose file]` (default: the quickstart).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject, processRuntime, type ComposeEvent } from '@selur/compose';

/** Collects events and renders them as one line per service. */
export class Timeline {
  readonly #start = performance.now();
  readonly #rows = new Map<string, Map<string, number>>();
  readonly #failures: string[] = [];

  record(event: ComposeEvent): void {
    const at = Math.round(performance.now() - this.#start);
    switch (event.type) {
      case 'service.waiting':
      case 'service.creating':
      case 'service.started':
      case 'service.healthy':
      case 'service.stopped':
      case 'service.removed':
        this.#row(event.service).set(event.type.slice('service.'.length), at);
        break;
      case 'service.failed':
        this.#failures.push(`${event.service}: ${event.error.code} ${event.error.message.split('\n')[0]}`);
        break;
      case 'service.skipped':
        this.#failures.push(`${event.service}: skipped (${event.reason})`);
        break;
      default:
        break; // plan, network.*, volume.*, log, up.done, down.done, rollback.*: not shown here
    }
  }

  render(): string {
    const phases = ['waiting', 'creating', 'started', 'healthy', 'stopped', 'removed'];
    const lines = [`${'service'.padEnd(10)}${phases.map((p) => p.padStart(10)).join('')}   (ms since start)`];
    for (const [service, at] of [...this.#rows].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`${service.padEnd(10)}${phases.map((p) => String(at.get(p) ?? '-').padStart(10)).join('')}`);
    }
    return [...lines, ...this.#failures.map((f) => `FAILED ${f}`)].join('\n');
  }

  #row(service: string): Map<string, number> {
    let row = this.#rows.get(service);
    if (!row) this.#rows.set(service, (row = new Map()));
    return row;
  }
}

const file = process.argv[2] ?? fileURLToPath(new URL('../quickstart/compose.toml', import.meta.url));
const stateDir = await mkdtemp(join(tmpdir(), 'selur-timeline-'));
const runtime = processRuntime({ stateDir });
const project = await loadProject(file);
const timeline = new Timeline();

// Subscribe before the down starts; the iterator ends at `down.done` (or when `stop` aborts it).
const stop = new AbortController();
const downEvents = (async () => {
  const wanted = (e: ComposeEvent) => e.type === 'service.stopped' || e.type === 'service.removed' || e.type === 'down.done';
  for await (const event of project.events({ signal: stop.signal, filter: wanted, until: (e) => e.type === 'down.done' })) {
    timeline.record(event);
  }
})().catch(() => undefined);

try {
  await using stack = await project.up({ runtime, onEvent: (event) => timeline.record(event) });
  console.log(`up: ${stack.services().length} services`);
} catch (error) {
  stop.abort(); // up failed and rolled back: no down.done will come
  throw error;
} finally {
  await downEvents;
  await runtime.close?.();
  await rm(stateDir, { recursive: true, force: true });
}
console.log(timeline.render());
