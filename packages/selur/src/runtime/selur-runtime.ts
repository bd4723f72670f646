/**
 * The `Runtime` port on the selur stack: `.ctp` bundles verified by a CtDriver, started through the
 * Svalinn gateway (with the bundle digest), run by Vörðr. With `gateway: 'vordr'` containers are
 * started with Vörðr's `vordr_container_create` instead (no Svalinn). Svalinn enforces no digest on
 * run today, so the local verification in `createContainer` is the only check of a bundle: it is
 * never skipped, whatever the gateway.
 *
 * How each operation maps (and the choices where the stack has no direct equivalent):
 *
 * | port | selur stack |
 * |---|---|
 * | ensure/list/removeNetwork | `vordr_network_ls/create/rm`, named `<project>_<name>`; membership by that prefix (Vörðr has no labels) |
 * | ensure/list/removeVolume | `vordr_volume_ls/create/rm`, same naming; driver `local` only |
 * | createContainer | resolve the image to a local bundle, verify it with the CtDriver, digest it, build the run request. Svalinn's `run` both creates and starts and is the only route that carries the digest, so nothing is sent yet: the prepared request is kept in this runtime object (and so is invisible to `listContainers` and to other processes until started) |
 * | startContainer | a prepared one: Svalinn `run` (v2 where served, else v1). A `Created` one on Vörðr: Svalinn `POST /api/v1/containers/:id/start` (the start gate applies). A `Stopped` one: Vörðr cannot restart it, so it is removed and run again through Svalinn from the config and digest recorded with it |
 * | stop / remove | `vordr_container_stop` (with the grace period as its timeout) / `vordr_container_remove` (`force`) |
 * | list / inspect | `vordr_ps {all: true}` filtered by the name prefix, then `vordr_container_inspect` of each (labels and ports come back from the `config` sent at run) |
 * | exec | `vordr_exec` with `detach: true` only (no output, no exit code); otherwise `UnsupportedOperationError` (`exec.output`) |
 * | logs | `UnsupportedOperationError`: Vörðr has no logs tool |
 * | probeHealth | `UnsupportedOperationError` by default (Vörðr reports no health); with `health: 'running-state'`, healthy while running, and the runtime then declares `health` |
 *
 * Identity: `ContainerInfo.id` is the container name `<project>_<service>_<replica>` (unique on
 * Vörðr, stable from create to start and across a restart); Vörðr's id is the label
 * `io.selur.vordr.id`. The compose labels (project, service, replica, config hash, config fields,
 * the service's own, the bundle digest and path) are sent as `config.labels` and read back from
 * `vordr_container_inspect`'s `config`, so a second `up` with no change does nothing.
 */
import { access } from 'node:fs/promises';
import {
  ContainerNotFoundError,
  InvalidArgumentError,
  UnsupportedOperationError,
  type ContainerInfo,
  type ContainerRequest,
  type CtDriver,
  type ExecResult,
  type ListOptions,
  type LogLine,
  type NetworkRequest,
  type ProbeResult,
  type ResourceInfo,
  type RuntimeCapability,
  type StopOptions,
  type SvalinnClient,
  type SvalinnRunRequest,
  type VolumeRequest,
  type VordrClient,
  type VordrContainerConfig,
  type VordrContainerDetails,
} from '@selur/compose';
import { isSvalinnError } from '../errors/svalinn-error.js';
import { SvalinnUpstreamError } from '../errors/svalinn-upstream-error.js';
import { DEFAULT_BUNDLE_CACHE, resolveBundlePath, type BundleSource } from '../verify/bundle-resolver.js';
import { containerInfo, derivedHealth, publishedPorts, recordedLabels } from './container-state.js';
import { ContainerLookup, isNotFound } from './container-lookup.js';
import { LABEL_BUNDLE_DIGEST, LABEL_BUNDLE_PATH, parseProjectContainerName } from './naming.js';
import { runConfig } from './run-config.js';
import type { SelurExecOptions, SelurRuntime, SelurRuntimeOptions } from './selur-options.js';
import { verifyServiceBundle } from '../verify/verify-bundle.js';
import { ensureNetwork, ensureVolume, listNetworks, listVolumes, removeNetwork } from './vordr-resources.js';
import { compareNames } from './compare-names.js';

const CAPABILITIES: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>([
  'networks', 'volumes', 'ports', 'secrets', 'bind-mounts', 'exec', 'restart-policy', 'replicas', 'field:read_only',
]);

/** The config keys a run sends, kept when a stopped container is run again. */
const RUN_CONFIG_KEYS = ['env', 'ports', 'volumes', 'networks', 'command', 'workdir', 'readOnlyRoot', 'privileged', 'restart', 'healthcheck', 'labels'] as const;

interface Prepared {
  readonly run: SvalinnRunRequest;
  readonly info: ContainerInfo;
}

/** Checks the options eagerly: the three parts must be there, `health` one of its values. */
function checkOptions(options: SelurRuntimeOptions): void {
  const has = (value: unknown, method: string) => typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function';
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('selurRuntime: options must be an object { ct, svalinn, vordr }', { field: 'options' });
  if (!has(options.ct, 'verify')) throw new InvalidArgumentError('selurRuntime: ct must be a CtDriver (e.g. nativeCt() or ctCli())', { field: 'ct' });
  if (options.gateway !== undefined && options.gateway !== 'svalinn' && options.gateway !== 'vordr') {
    throw new InvalidArgumentError(`selurRuntime: gateway must be 'svalinn' or 'vordr', got ${JSON.stringify(options.gateway)}`, { field: 'gateway' });
  }
  if (options.gateway !== 'vordr' && !has(options.svalinn, 'run')) {
    throw new InvalidArgumentError("selurRuntime: svalinn must be a SvalinnClient (svalinnClient({ url })), or pass gateway: 'vordr' to start containers on Vörðr directly", { field: 'svalinn' });
  }
  if (!has(options.vordr, 'containerList')) throw new InvalidArgumentError('selurRuntime: vordr must be a VordrClient (vordrClient({ url }))', { field: 'vordr' });
  if (options.health !== undefined && options.health !== 'running-state' && options.health !== 'unsupported') {
    throw new InvalidArgumentError(`selurRuntime: health must be 'running-state' or 'unsupported', got ${JSON.stringify(options.health)}`, { field: 'health' });
  }
}

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

class SelurStackRuntime implements SelurRuntime {
  readonly name = 'selur';
  readonly capabilities: ReadonlySet<RuntimeCapability>;
  readonly #ct: CtDriver;
  /** Undefined with `gateway: 'vordr'`. */
  readonly #svalinn: SvalinnClient | undefined;
  readonly #vordr: VordrClient;
  readonly #source: BundleSource;
  readonly #devSecrets: boolean;
  readonly #verifyOptions: { readonly requireSignature: boolean; readonly allowUnsignedMembers: readonly string[] };
  readonly #sendBundlePath: boolean;
  readonly #health: 'running-state' | 'unsupported';
  readonly #policy: SelurRuntimeOptions['policy'];
  /** Created, not yet run: name → the prepared run. */
  readonly #prepared = new Map<string, Prepared>();
  /** name → Vörðr id, as last seen (checked against the name on every use). */
  readonly #lookup: ContainerLookup;

  constructor(options: SelurRuntimeOptions) {
    checkOptions(options);
    this.#ct = options.ct;
    this.#svalinn = options.gateway === 'vordr' ? undefined : options.svalinn;
    this.#vordr = options.vordr;
    this.#lookup = new ContainerLookup(options.vordr);
    this.#source = { ct: options.ct, resolveBundle: options.resolveBundle, cacheDir: options.bundleCacheDir ?? DEFAULT_BUNDLE_CACHE };
    this.#devSecrets = options.secretsDevMode ?? (options.env ?? process.env)['SELUR_DEV_SECRETS'] === '1';
    this.#verifyOptions = { requireSignature: options.requireSignature ?? false, allowUnsignedMembers: options.allowUnsignedMembers ?? [] };
    this.#sendBundlePath = options.sendBundlePath ?? false;
    this.#health = options.health ?? 'unsupported';
    this.capabilities = this.#health === 'running-state' ? new Set<RuntimeCapability>([...CAPABILITIES, 'health']) : CAPABILITIES;
    this.#policy = options.policy;
  }

  // --- networks and volumes -------------------------------------------------------------------

  ensureNetwork(request: NetworkRequest): Promise<{ readonly info: ResourceInfo; readonly created: boolean }> {
    return ensureNetwork(this.#vordr, request);
  }

  removeNetwork(_project: string, runtimeName: string): Promise<void> {
    return removeNetwork(this.#vordr, runtimeName);
  }

  listNetworks(project: string): Promise<readonly ResourceInfo[]> {
    return listNetworks(this.#vordr, project);
  }

  ensureVolume(request: VolumeRequest): Promise<{ readonly info: ResourceInfo; readonly created: boolean }> {
    return ensureVolume(this.#vordr, request);
  }

  async removeVolume(_project: string, runtimeName: string): Promise<void> {
    await this.#vordr.volumeRemove(runtimeName);
  }

  listVolumes(project: string): Promise<readonly ResourceInfo[]> {
    return listVolumes(this.#vordr, project);
  }

  // --- containers -------------------------------------------------------------------------------

  async createContainer(request: ContainerRequest): Promise<ContainerInfo> {
    const image = request.spec.image;
    const bundle = await resolveBundlePath(image, request.service, request.workingDir, this.#source);
    const report = await verifyServiceBundle(this.#ct, bundle, request.service, image, this.#verifyOptions);
    const config = await runConfig(request, this.#devSecrets, { [LABEL_BUNDLE_DIGEST]: report.digest, [LABEL_BUNDLE_PATH]: bundle });
    const run: SvalinnRunRequest = {
      imageName: image,
      imageDigest: report.digest,
      name: request.name,
      detach: true,
      ...(this.#policy ? { policy: this.#policy } : {}),
      ...(this.#sendBundlePath ? { bundlePath: bundle } : {}),
      config,
    };
    const info: ContainerInfo = {
      id: request.name,
      name: request.name,
      project: request.project,
      service: request.service,
      replica: request.replica,
      configHash: request.configHash,
      image,
      state: 'created',
      health: derivedHealth('created', config.healthcheck !== undefined, this.#health === 'running-state'),
      ports: publishedPorts(config.ports),
      labels: { ...config.labels },
    };
    this.#prepared.set(request.name, { run, info });
    return info;
  }

  async startContainer(id: string): Promise<ContainerInfo> {
    const prepared = this.#prepared.get(id);
    if (prepared) {
      await this.#run(prepared.run);
      this.#prepared.delete(id);
      return this.inspectContainer(id);
    }
    const details = await this.#lookup.find(id);
    if (!details) throw new ContainerNotFoundError('selur', id);
    switch (details.state) {
      case 'running':
        break;
      case 'created':
        if (this.#svalinn) await this.#svalinn.containers.start(details.id);
        else await this.#vordr.containerStart(details.id);
        break;
      case 'stopped':
        await this.#runAgain(details);
        break;
      default:
        throw new UnsupportedOperationError('selur', `start a ${details.rawState} container`, { hint: 'Vörðr has no unpause; remove and recreate it' });
    }
    return this.inspectContainer(id);
  }

  async stopContainer(id: string, options: StopOptions): Promise<void> {
    if (this.#prepared.has(id)) return;
    const details = await this.#lookup.find(id);
    if (!details || details.state !== 'running') return;
    try {
      await this.#vordr.containerStop(details.id, { timeout: Math.max(0, Math.ceil(options.timeoutMs / 1000)) });
    } catch (error) {
      const now = await this.#lookup.find(id);
      if (now && now.state === 'running') throw error;
    }
  }

  async removeContainer(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    // A prepared one is forgotten; Vörðr is still asked, since a run that failed ambiguously
    // (a broken answer, a timeout) may have created the container anyway.
    this.#prepared.delete(id);
    const details = await this.#lookup.find(id);
    if (!details) return;
    try {
      await this.#vordr.containerRemove(details.id, options.force ? { force: true } : {});
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.#lookup.forget(details.name);
  }

  async listContainers(project: string, options: ListOptions = {}): Promise<readonly ContainerInfo[]> {
    const candidates = (await this.#vordr.containerList({ all: true })).filter((c) => parseProjectContainerName(project, c.name) !== undefined);
    const infos = await Promise.all(
      candidates.map(async (c) => {
        const details = await this.#lookup.inspect(c.id);
        return details && containerInfo(details, { project, deriveHealth: this.#health === 'running-state' });
      }),
    );
    return infos
      .filter((i): i is ContainerInfo => i !== undefined && i.project === project && (options.all !== false || i.state === 'running'))
      .sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica);
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    const prepared = this.#prepared.get(id);
    if (prepared) return prepared.info;
    const details = await this.#lookup.find(id);
    if (!details) throw new ContainerNotFoundError('selur', id);
    return containerInfo(details, { deriveHealth: this.#health === 'running-state' });
  }

  // --- what Vörðr cannot do ---------------------------------------------------------------------

  async *logs(id: string): AsyncIterable<LogLine> {
    throw new UnsupportedOperationError('selur', 'logs', { hint: `Vörðr has no logs tool; read the logs of '${id}' on the Vörðr host` });
  }

  async exec(id: string, command: readonly string[], options: SelurExecOptions = {}): Promise<ExecResult> {
    if (options.detach !== true) {
      throw new UnsupportedOperationError('selur', 'exec.output', { hint: 'vordr_exec returns neither output nor exit code; pass { detach: true } to start a command without them' });
    }
    if (options.user !== undefined) throw new UnsupportedOperationError('selur', 'exec.user', { hint: 'vordr_exec runs a command as the container\'s user' });
    if (options.privileged === true) throw new UnsupportedOperationError('selur', 'exec.privileged', { hint: 'vordr_exec cannot raise privileges' });
    if (options.env !== undefined || options.workdir !== undefined) {
      throw new UnsupportedOperationError('selur', 'exec with env or workdir', { hint: 'vordr_exec takes a container and a command only' });
    }
    await this.execDetached(id, command);
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  async execDetached(id: string, command: readonly string[]): Promise<{ readonly containerId: string; readonly execPid: number }> {
    const details = await this.#lookup.find(id);
    if (!details) throw new ContainerNotFoundError('selur', id);
    const result = await this.#vordr.exec(details.id, command);
    return { containerId: details.name, execPid: result.execPid };
  }

  async probeHealth(id: string): Promise<ProbeResult> {
    if (this.#health === 'unsupported') {
      throw new UnsupportedOperationError('selur', 'health', { hint: "Vörðr reports no healthcheck results; use a port or HTTP wait strategy, up({ wait: false }), or the runtime option health: 'running-state'" });
    }
    const info = await this.inspectContainer(id);
    const healthy = info.state === 'running';
    return { healthy, exitCode: healthy ? 0 : 1, output: `Vörðr reports no health results; derived from the container state: ${info.state}` };
  }

  async close(): Promise<void> {
    this.#prepared.clear();
    this.#lookup.clear();
  }

  // --- helpers ----------------------------------------------------------------------------------

  /**
   * Starts a verified bundle: through Svalinn's `run`, or with `gateway: 'vordr'` through Vörðr's
   * `vordr_container_create` (which also starts it). Remembers the Vörðr id it answers.
   */
  async #run(run: SvalinnRunRequest): Promise<void> {
    let vordrId: string;
    if (this.#svalinn) {
      try {
        vordrId = (await this.#svalinn.run(run)).containerId;
      } catch (error) {
        throw await this.#explainRunFailure(run, error);
      }
    } else {
      const config = (run.config ?? {}) as Record<string, unknown>;
      const command = Array.isArray(config['command']) ? (config['command'] as string[]) : undefined;
      const created = await this.#vordr.containerCreate({
        image: run.imageName,
        ...(run.name === undefined ? {} : { name: run.name }),
        ...(command === undefined ? {} : { command }),
        detach: true,
        config: config as VordrContainerConfig,
      });
      vordrId = created.containerId;
    }
    if (run.name !== undefined) this.#lookup.remember(run.name, vordrId);
  }

  /**
   * Upstream defect U2: Svalinn takes Vörðr's successful create (`"error": null`) for a failure and
   * retries it, which then fails "Container name already in use". The engine only runs names it did
   * not find, so a clash on a name that now exists on Vörðr is that defect: said so, typed.
   */
  async #explainRunFailure(run: SvalinnRunRequest, error: unknown): Promise<unknown> {
    if (!isSvalinnError(error) || error.status !== 500 || run.name === undefined) return error;
    if (!(error.serverMessage ?? '').includes(`Container name already in use: ${run.name}`)) return error;
    const now = await this.#lookup.find(run.name).catch(() => undefined);
    if (!now) return error;
    return new SvalinnUpstreamError(
      `Svalinn ${error.method} ${error.path} failed because of upstream defect U2 of Svalinn (most likely; not this SDK): '${run.name}' did not exist before this run, ` +
        `Vörðr created it, and Svalinn, taking Vörðr's "error": null for a failure, sent the create again. Svalinn answered 500: "${error.serverMessage ?? ''}". ` +
        `Run on Vörðr directly (selurRuntime({ gateway: 'vordr' })) until Svalinn is fixed`,
      { component: 'svalinn', defect: 'U2', method: error.method, path: error.path, status: error.status, serverMessage: error.serverMessage, data: error.data, cause: error },
    );
  }

  /** Vörðr cannot start a stopped container: remove it and run it again from what it recorded. */
  async #runAgain(details: VordrContainerDetails): Promise<void> {
    const labels = recordedLabels(details);
    const digest = labels[LABEL_BUNDLE_DIGEST];
    if (digest === undefined) {
      throw new UnsupportedOperationError('selur', 'start a stopped container', { hint: `'${details.name}' was not created by the selur runtime (no bundle digest recorded); recreate it` });
    }
    const bundle = labels[LABEL_BUNDLE_PATH];
    if (bundle !== undefined && (await fileExists(bundle))) {
      const report = await verifyServiceBundle(this.#ct, bundle, containerInfo(details, { deriveHealth: false }).service, details.image, this.#verifyOptions);
      if (report.digest !== digest) {
        throw new UnsupportedOperationError('selur', 'start a stopped container whose bundle changed', { hint: `${bundle} is now ${report.digest}, it ran ${digest}; recreate it (up)` });
      }
    }
    const config: Record<string, unknown> = {};
    for (const key of RUN_CONFIG_KEYS) if (details.config[key] !== undefined) config[key] = details.config[key];
    await this.#vordr.containerRemove(details.id, { force: true });
    this.#lookup.forget(details.name);
    await this.#run({
      imageName: details.image,
      imageDigest: digest,
      name: details.name,
      detach: true,
      ...(this.#policy ? { policy: this.#policy } : {}),
      config: config as SvalinnRunRequest['config'],
    });
  }
}

/**
 * The selur runtime: deploys verified `.ctp` bundles through Svalinn onto Vörðr. Capabilities:
 * networks, volumes, ports, secrets (as read-only files), bind mounts, exec (detached only),
 * restart policies, replicas. Not supported (typed `UnsupportedOperationError`): logs, exec output,
 * health results (unless `health: 'running-state'`), build, pause, stats.
 *
 * @example
 * ```ts
 * import { loadProject } from '@selur/compose';
 * import { nativeCt, selurRuntime, svalinnClient, vordrClient } from '@selur/compose-selur';
 * const runtime = selurRuntime({ ct: nativeCt(), svalinn: svalinnClient(), vordr: vordrClient() });
 * const project = await loadProject('compose.toml');
 * // Vörðr reports no healthcheck results: do not wait on them (or pass health: 'running-state').
 * await using stack = await project.up({ runtime, wait: false });
 * ```
 */
export function selurRuntime(options: SelurRuntimeOptions): SelurRuntime {
  return new SelurStackRuntime(options);
}
