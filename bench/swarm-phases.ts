/**
 * Where the swarm bench's time goes: `docker events` (services and containers) read while one
 * stack comes up, reduced to when its Swarm services were created, its containers created and
 * started, and Docker first called each healthy, in ms from the start of the timed `up`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

export interface Phases {
  /** The first of its services' `create` events: from here on the time is Swarm's and Docker's (and the rest of the client's creates). */
  firstServiceCreated: number;
  servicesCreated: number;
  containersCreated: number;
  firstStart: number;
  lastStart: number;
  firstHealthy: number;
  lastHealthy: number;
}

interface EngineEvent {
  Type?: string;
  Action?: string;
  timeNano?: number;
  Actor?: { Attributes?: Record<string, string> };
}

/** Reads the engine's events about the stack `prefix` (its services are `<prefix>_<name>`) from now until `stop`. */
export class PhaseRecorder {
  private readonly events: EngineEvent[] = [];
  private readonly child: ChildProcess;
  private buffer = '';

  constructor(private readonly prefix: string) {
    this.child = spawn('docker', ['events', '--format', '{{json .}}', '--filter', 'type=container', '--filter', 'type=service'], { stdio: ['ignore', 'pipe', 'ignore'] });
    // Never what keeps the process alive (a bench that fails midway still exits).
    this.child.unref();
    (this.child.stdout as Socket | null)?.unref();
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.events.push(JSON.parse(line) as EngineEvent);
        } catch {
          // not an event line
        }
      }
    });
  }

  /** Waits until the event stream is connected (its first events would otherwise be missed). */
  async ready(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** Stops reading (after a short grace for the last events in flight) and reduces them to phases, relative to `t0` (Date.now() at the start). */
  async stop(t0: number): Promise<Phases> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    this.child.kill();
    const mine = (e: EngineEvent) => {
      const a = e.Actor?.Attributes ?? {};
      const name = e.Type === 'service' ? a['name'] : a['com.docker.swarm.service.name'];
      return name !== undefined && name.startsWith(`${this.prefix}_`);
    };
    const at = (type: string, action: string) =>
      this.events
        .filter((e) => e.Type === type && e.Action === action && mine(e))
        .map((e) => (e.timeNano ?? 0) / 1e6 - t0)
        .sort((a, b) => a - b);
    const created = at('service', 'create');
    const containers = at('container', 'create');
    const starts = at('container', 'start');
    const healthy = at('container', 'health_status: healthy');
    return {
      firstServiceCreated: created[0] ?? Number.NaN,
      servicesCreated: created.at(-1) ?? Number.NaN,
      containersCreated: containers.at(-1) ?? Number.NaN,
      firstStart: starts[0] ?? Number.NaN,
      lastStart: starts.at(-1) ?? Number.NaN,
      firstHealthy: healthy[0] ?? Number.NaN,
      lastHealthy: healthy.at(-1) ?? Number.NaN,
    };
  }
}
