/**
 * A backend for the fake Svalinn that forwards to a (fake) Vörðr through the real `vordrClient`,
 * as the real gateway forwards to `VORDR_ENDPOINT`: a run through Svalinn really creates a Vörðr
 * container. Results are Vörðr's raw shapes (capitalised states, `config` as a JSON string), which
 * Svalinn passes through. A Vörðr failure becomes a thrown error, answered by the fake as 500.
 * Test support only.
 *
 * @example
 * ```ts
 * await using vordr = await startVordrServer();
 * await using svalinn = await startFakeSvalinn({ backend: vordrBackend(vordrClient({ url: vordr.url })) });
 * ```
 */
import type { VordrClient, VordrContainerConfig, VordrContainerDetails, VordrContainerSummary } from '@selur/compose';
import type { BackendRunRequest, SvalinnBackend } from './svalinn-memory-backend.js';

const RAW_STATE: Readonly<Record<string, string>> = { created: 'Created', running: 'Running', paused: 'Paused', stopped: 'Stopped' };
const raw = (c: VordrContainerSummary) => ({ id: c.id, name: c.name, image: c.image, state: c.rawState || RAW_STATE[c.state] || 'Unknown', created: c.created });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the fake Svalinn forwarded: one entry per backend call, in order. */
export interface ForwardedCall {
  readonly op: 'run' | 'create' | 'start' | 'stop' | 'remove' | 'list' | 'get' | 'images' | 'pull' | 'verify';
  readonly arg?: unknown;
}

/** The backend, plus a record of what it forwarded. */
export function vordrBackend(vordr: VordrClient): SvalinnBackend & { readonly forwarded: ForwardedCall[] } {
  const forwarded: ForwardedCall[] = [];
  const create = async (request: BackendRunRequest, detach: boolean) => {
    const config = isRecord(request.config) ? request.config : undefined;
    const command = config && Array.isArray(config['command']) ? (config['command'] as string[]) : undefined;
    const result = await vordr.containerCreate({
      image: request.image,
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(command === undefined ? {} : { command }),
      detach,
      ...(config === undefined ? {} : { config: config as VordrContainerConfig }),
    });
    return { containerId: result.containerId, name: result.name, image: result.image, status: result.status };
  };
  const details = (d: VordrContainerDetails) => ({ id: d.id, name: d.name, image: d.image, state: d.rawState, pid: d.pid, bundlePath: d.bundlePath, created: d.created, config: d.rawConfig });
  return {
    forwarded,
    connected: () => true,
    async run(request) {
      forwarded.push({ op: 'run', arg: request });
      // As the real gateway: create (not started), then start; the start result is the answer.
      const created = await create(request, false);
      return vordr.containerStart(created.containerId);
    },
    async create(request) {
      forwarded.push({ op: 'create', arg: request });
      return create(request, false);
    },
    async start(id) {
      forwarded.push({ op: 'start', arg: id });
      return vordr.containerStart(id);
    },
    async stop(id) {
      forwarded.push({ op: 'stop', arg: id });
      return vordr.containerStop(id);
    },
    async remove(id) {
      forwarded.push({ op: 'remove', arg: id });
      return vordr.containerRemove(id);
    },
    async list() {
      forwarded.push({ op: 'list' });
      return { containers: (await vordr.containerList({ all: true })).map(raw) };
    },
    async get(id) {
      forwarded.push({ op: 'get', arg: id });
      return details(await vordr.containerInspect(id));
    },
    async images() {
      forwarded.push({ op: 'images' });
      return { images: await vordr.imageList() };
    },
    async pull(image) {
      forwarded.push({ op: 'pull', arg: image });
      return vordr.pull(image);
    },
    async verify(digest, policy) {
      forwarded.push({ op: 'verify', arg: { digest, policy } });
      const result = await vordr.verifyImage(digest);
      return { image: digest, verified: result.verified, attestations: result.attestations, warnings: result.warnings };
    },
  };
}
