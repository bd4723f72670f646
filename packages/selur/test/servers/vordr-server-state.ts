/**
 * The fake Vörðr's in-memory runtime: containers, images, networks, volumes, and one function per
 * tool returning the real result shapes. Tool failures throw {@link ToolFailure}. Test support only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { acceptConfig, ToolFailure } from './vordr-server-config.js';

/** A container state as the real server spells it. */
export type FakeContainerState = 'Created' | 'Running' | 'Paused' | 'Stopped';

/** A container the fake holds. */
export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  command: readonly string[];
  state: FakeContainerState;
  pid: number | null;
  created: string;
  config: Record<string, unknown>;
  networks: string[];
}

/** An image the fake lists. */
export interface FakeImage {
  readonly id: string;
  readonly digest: string;
  readonly repository: string;
  readonly tags: readonly string[];
  readonly size: number;
}

/** What `vordr_verify_image` answers. */
export interface FakeVerification {
  readonly verified: boolean;
  readonly attestations: readonly unknown[];
  readonly warnings: readonly string[];
}

/** Seeds of a fake's state. */
export interface FakeStateOptions {
  readonly images?: readonly FakeImage[];
  /** Answers `vordr_verify_image`. @default unverified, with a warning */
  readonly verify?: (image: string) => FakeVerification;
}

type Args = Record<string, unknown>;

const str = (args: Args, key: string): string => {
  const v = args[key];
  if (typeof v !== 'string' || v === '') throw new ToolFailure(`Missing required parameter: ${key}`);
  return v;
};

/** The in-memory state and tool implementations. */
export class FakeVordrState {
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, { name: string; id: string; driver: string; subnets: { subnet: string; gateway?: string }[] | null }>();
  readonly volumes = new Map<string, { name: string; path: string; driver: string }>();
  images: FakeImage[];
  private nextPid = 4000;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(private readonly options: FakeStateOptions = {}) {
    this.images = [...(options.images ?? [])];
    this.networks.set('vordr', { name: 'vordr', id: hash('network:vordr'), driver: 'bridge', subnets: [{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }] });
  }

  /** Runs one canonical tool. */
  run(tool: string, args: Args): unknown {
    switch (tool) {
      case 'vordr_container_create': return this.create(args);
      case 'vordr_container_start': return this.start(args);
      case 'vordr_container_stop': return this.stop(args);
      case 'vordr_container_remove': return this.remove(args);
      case 'vordr_container_list': return this.list(args);
      case 'vordr_container_inspect': return this.inspect(args);
      case 'vordr_exec': return this.exec(args);
      case 'vordr_image_list': return { images: this.images.map((i) => ({ ...i, tags: [...i.tags] })) };
      case 'vordr_verify_image': return this.verify(args);
      case 'vordr_network_ls': return { networks: [...this.networks.values()] };
      case 'vordr_network_create': return this.networkCreate(args);
      case 'vordr_network_rm': return this.networkRemove(args);
      case 'vordr_volume_ls': return { volumes: [...this.volumes.values()].map(({ name, path }) => ({ name, path })) };
      case 'vordr_volume_create': return this.volumeCreate(args);
      case 'vordr_volume_rm': return this.volumeRemove(args);
      default: throw new ToolFailure(`Unknown tool: ${tool}`);
    }
  }

  /** `containerId` and `container` are interchangeable; an id or a name finds it. */
  private find(args: Args): FakeContainer {
    const ref = args['containerId'] ?? args['container'];
    if (typeof ref !== 'string' || ref === '') throw new ToolFailure('Missing required parameter: containerId');
    const found = this.containers.get(ref) ?? [...this.containers.values()].find((c) => c.name === ref);
    if (found === undefined) throw new ToolFailure(`Container not found: ${ref}`);
    return found;
  }

  private create(args: Args): unknown {
    const image = str(args, 'image');
    const id = randomBytes(32).toString('hex');
    const name = args['name'] === undefined ? `vordr-${id.slice(0, 12)}` : str(args, 'name');
    if ([...this.containers.values()].some((c) => c.name === name)) throw new ToolFailure(`Container name already in use: ${name}`);
    const command = args['command'] ?? [];
    if (!Array.isArray(command) || command.some((c) => typeof c !== 'string')) throw new ToolFailure('Invalid parameter: command must be an array of strings');
    const { config, networks } = acceptConfig(args['config']);
    const detach = args['detach'] ?? true;
    this.clock += 1000;
    const container: FakeContainer = {
      id, name, image, command: command as string[], config, networks,
      state: detach === false ? 'Created' : 'Running',
      pid: detach === false ? null : this.nextPid++,
      created: new Date(this.clock).toISOString(),
    };
    this.containers.set(id, container);
    return { containerId: id, name, image, status: container.state === 'Running' ? 'running' : 'created' };
  }

  private start(args: Args): unknown {
    const c = this.find(args);
    if (c.state !== 'Created') throw new ToolFailure(`Container ${c.id} is not in Created state (state: ${c.state})`);
    c.state = 'Running';
    c.pid = this.nextPid++;
    return { containerId: c.id, pid: c.pid, status: 'running' };
  }

  private stop(args: Args): unknown {
    const c = this.find(args);
    const timeout = args['timeout'] ?? 10;
    if (typeof timeout !== 'number' || timeout < 0) throw new ToolFailure('Invalid parameter: timeout');
    if (c.state !== 'Running') throw new ToolFailure(`Container ${c.id} is not running (state: ${c.state})`);
    c.state = 'Stopped';
    c.pid = null;
    return { containerId: c.id, status: 'stopped' };
  }

  private remove(args: Args): unknown {
    const c = this.find(args);
    if ((c.state === 'Running' || c.state === 'Paused') && args['force'] !== true) {
      throw new ToolFailure(`Container ${c.id} is ${c.state.toLowerCase()}; stop it first or use force`);
    }
    this.containers.delete(c.id);
    return { containerId: c.id, status: 'removed' };
  }

  private list(args: Args): unknown {
    const all = args['all'] === true;
    return {
      containers: [...this.containers.values()]
        .filter((c) => all || c.state === 'Running')
        .map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, created: c.created })),
    };
  }

  private inspect(args: Args): unknown {
    const c = this.find(args);
    return {
      id: c.id, name: c.name, image: c.image, state: c.state, pid: c.pid,
      bundlePath: `/var/lib/vordr/containers/${c.id}/bundle`, created: c.created,
      config: JSON.stringify({ ...c.config, command: c.command }),
    };
  }

  private exec(args: Args): unknown {
    const c = this.find(args);
    const command = args['command'];
    if (!Array.isArray(command) || command.length === 0) throw new ToolFailure('Missing required parameter: command');
    if (c.state !== 'Running') throw new ToolFailure(`Container ${c.id} is not running (state: ${c.state})`);
    return { containerId: c.id, execPid: this.nextPid++ };
  }

  private verify(args: Args): unknown {
    const image = str(args, 'image');
    const v = this.options.verify?.(image) ?? { verified: false, attestations: [], warnings: [`no attestations found for ${image}`] };
    return { image, verified: v.verified, attestations: [...v.attestations], warnings: [...v.warnings] };
  }

  private networkCreate(args: Args): unknown {
    const name = str(args, 'name');
    if (this.networks.has(name)) throw new ToolFailure(`Network already exists: ${name}`);
    const driver = args['driver'] === undefined ? 'bridge' : str(args, 'driver');
    const subnet = args['subnet'] === undefined ? undefined : str(args, 'subnet');
    const network = { name, id: hash(`network:${name}`), driver, subnets: subnet === undefined ? null : [{ subnet }] };
    this.networks.set(name, network);
    return { name, id: network.id, driver };
  }

  private networkRemove(args: Args): unknown {
    const name = str(args, 'name');
    if (!this.networks.delete(name)) throw new ToolFailure(`Network not found: ${name}`);
    return { name, status: 'removed' };
  }

  private volumeCreate(args: Args): unknown {
    const name = str(args, 'name');
    const driver = args['driver'] ?? 'local';
    if (driver !== 'local') throw new ToolFailure(`Unsupported volume driver: ${String(driver)} (only 'local' is supported)`);
    const volume = this.volumes.get(name) ?? { name, path: `/var/lib/vordr/volumes/${name}`, driver: 'local' };
    this.volumes.set(name, volume);
    return { ...volume };
  }

  private volumeRemove(args: Args): unknown {
    const id = str(args, 'id');
    this.volumes.delete(id);
    return { id, status: 'removed' };
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
