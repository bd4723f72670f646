/**
 * Reads a Vörðr container back as a {@link ContainerInfo}: state names, the ports and labels from
 * the `config` it was created with, and health derived from the state (Vörðr reports none).
 */
import {
  LABEL_CONFIG_HASH,
  type ContainerInfo,
  type ContainerState,
  type HealthStatus,
  type PublishedPort,
  type VordrContainerDetails,
  type VordrContainerState,
} from '@selur/compose';
import { identityLabels, identityOf, LABEL_BUNDLE_DIGEST, LABEL_VORDR_ID } from './naming.js';

const STATES: Readonly<Record<VordrContainerState, ContainerState>> = {
  created: 'created',
  running: 'running',
  paused: 'paused',
  stopped: 'exited',
  unknown: 'unknown',
};

/** Vörðr's state, normalised (`Stopped` → `exited`). */
export function containerState(state: VordrContainerState): ContainerState {
  return STATES[state];
}

/**
 * Health as far as it can be known: Vörðr takes the healthcheck but reports no result. With
 * `derive` (the runtime's `health: 'running-state'`), a container with a healthcheck counts as
 * `healthy` while running, `starting` while created and `unhealthy` otherwise; else, and without a
 * healthcheck, it is `none` (nothing known).
 */
export function derivedHealth(state: ContainerState, hasHealthcheck: boolean, derive: boolean): HealthStatus {
  if (!hasHealthcheck || !derive) return 'none';
  if (state === 'running') return 'healthy';
  return state === 'created' ? 'starting' : 'unhealthy';
}

const PORT = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/;

/** Published ports from the `ports` strings sent in the config (`IP:H:C[/proto]` or `H:C`). */
export function publishedPorts(ports: unknown): PublishedPort[] {
  if (!Array.isArray(ports)) return [];
  const out: PublishedPort[] = [];
  for (const entry of ports) {
    if (typeof entry !== 'string') continue;
    const match = PORT.exec(entry);
    if (!match) continue;
    const host = match[1] === undefined || match[1] === '' || match[1] === '0.0.0.0' ? '127.0.0.1' : match[1];
    out.push({ target: Number(match[3]), protocol: match[4] === 'udp' ? 'udp' : 'tcp', host, published: Number(match[2]) });
  }
  return out;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The labels recorded in a container's config. */
export function recordedLabels(details: Pick<VordrContainerDetails, 'config'>): Record<string, string> {
  return stringRecord(details.config['labels']);
}

/**
 * The container as the runtime port describes it. `id` is the container name (stable across the
 * create → run step and unique on Vörðr); Vörðr's own id is the label `io.selur.vordr.id`.
 * `startedAt` is Vörðr's creation time for containers the selur runtime ran (it creates and starts
 * in one step); Vörðr reports neither a start time nor an exit code.
 * A container whose name is not `<project>_<service>_<replica>` (not made by a compose runtime) is
 * reported with project `''`, its name as the service and replica 1.
 */
export function containerInfo(details: VordrContainerDetails, options: { readonly project?: string | undefined; readonly deriveHealth: boolean }): ContainerInfo {
  const project = options.project;
  const labels = recordedLabels(details);
  const identity = identityOf(details.name, labels, project) ?? { project: '', service: details.name, replica: 1 };
  const state = containerState(details.state);
  return {
    id: details.name,
    name: details.name,
    project: identity.project,
    service: identity.service,
    replica: identity.replica,
    configHash: labels[LABEL_CONFIG_HASH] ?? '',
    image: details.image,
    state,
    health: derivedHealth(state, details.config['healthcheck'] !== undefined && details.config['healthcheck'] !== null, options.deriveHealth),
    ports: publishedPorts(details.config['ports']),
    pid: details.pid ?? undefined,
    createdAt: details.created || undefined,
    // The selur runtime only ever runs (creates and starts at once), so for its containers the
    // creation time is the start time; Vörðr reports no start time of its own.
    startedAt: labels[LABEL_BUNDLE_DIGEST] !== undefined && state !== 'created' ? details.created || undefined : undefined,
    labels: { ...identityLabels(labels, identity, labels[LABEL_CONFIG_HASH]), [LABEL_VORDR_ID]: details.id },
  };
}
