/**
 * The Compose fields the Docker runtime claims, observed inside real containers (issue 13): the
 * stack in `fixtures/compose-fields/compose.yaml` comes up through the public API (`loadProject`
 * + `up` with `dockerRuntime()`), then each field is checked with `exec` in the containers — a
 * network alias resolving and answering from another container, the config and secret files at
 * their targets with their owner and mode, a dropped capability missing from CapEff (and present
 * in a container that keeps it), `ulimit -n`, docker-init as PID 1 running the entrypoint, the
 * extra hosts in /etc/hosts, both tmpfs mounts with their sizes, the hostname and domain name,
 * the sysctl, a fixed IPv4 address, a sidecar in another service's network and PID namespaces,
 * internal and attachable networks. Fields it does not apply are refused by name before anything
 * is created.
 * Fails (never skips) without a Docker engine.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_PROJECT, isSecretInEnvironmentError, isUnsupportedFieldError, loadProject, type Stack } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, containerRequest, ensureTestImage, sweep, uniqueProject } from './support/engine.js';
import { rawEngine } from './support/raw-engine.js';

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/compose-fields/${file}`, import.meta.url));
const runtime = dockerRuntime();
const projectName = uniqueProject('fields');
let stack: Stack | undefined;

/** Capability numbers (linux/capability.h). */
const CAP_CHOWN = 0;
const CAP_NET_RAW = 13;
const CAP_KILL = 5;

function capEff(status: string): bigint {
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (!match?.[1]) throw new Error(`no CapEff line in /proc/self/status:\n${status}`);
  return BigInt(`0x${match[1]}`);
}
const has = (mask: bigint, cap: number) => (mask & (1n << BigInt(cap))) !== 0n;

async function sh(service: string, script: string): Promise<string> {
  if (!stack) throw new Error('the stack is not up');
  const result = await stack.exec(service, ['sh', '-c', script], { timeoutMs: 10_000 });
  expect(result.exitCode, `${service}: ${script}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The fixture's fixed subnet: a stack an earlier run left behind (killed half-way) would hold it. */
const SUBNET = '10.213.117.0/24';

async function sweepEarlierRuns(): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ label: [LABEL_PROJECT] }));
  const listed = await rawEngine<{ Labels: Record<string, string> | null; IPAM?: { Config?: { Subnet?: string }[] | null } }[]>('GET', `/networks?filters=${filters}`);
  for (const network of listed.json) {
    const project = network.Labels?.[LABEL_PROJECT];
    if (project?.startsWith('selurtest-fields-') && network.IPAM?.Config?.some((c) => c.Subnet === SUBNET)) await sweep(runtime, project);
  }
}

beforeAll(async () => {
  await ensureTestImage(runtime);
  await sweepEarlierRuns();
  const project = await loadProject(fixture('compose.yaml'), { projectName, env: { IMAGE: TEST_IMAGE, API_TOKEN: 'token-from-the-env-option' } });
  stack = await project.up({ runtime, timeout: 60_000, pollFirstMs: 5, pollCapMs: 100 });
}, 120_000);

afterAll(async () => {
  try {
    await stack?.down({ volumes: true });
  } finally {
    await sweep(runtime, projectName);
    await runtime.close();
  }
}, 120_000);

describe('Compose fields on Docker, observed inside the containers', () => {
  it('networks.aliases: the alias resolves and answers from another container on the network', async () => {
    const lookup = await sh('client', 'nslookup api-alias');
    expect(lookup).toMatch(/Name:\s*api-alias/);
    expect(await sh('client', 'wget -q -O - http://api-alias:8080/')).toBe('from-api\n');
    expect(await sh('client', 'wget -q -O - http://backend:8080/')).toBe('from-api\n');
    // `front` (lower priority) was joined after create: the api container is on both networks
    const api = stack?.service('api').containers()[0];
    const inspect = await rawEngine<{ NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> } }>('GET', `/containers/${api?.id}/json`);
    expect(Object.keys(inspect.json.NetworkSettings.Networks).sort()).toEqual([`${projectName}_back`, `${projectName}_front`]);
    expect(inspect.json.NetworkSettings.Networks[`${projectName}_back`]?.Aliases).toEqual(expect.arrayContaining(['api', 'api-alias', 'backend']));
    const front = await rawEngine<{ Internal: boolean; Attachable: boolean }>('GET', `/networks/${projectName}_front`);
    expect(front.json).toMatchObject({ Internal: true, Attachable: true });
    const back = await rawEngine<{ Internal: boolean; Attachable: boolean }>('GET', `/networks/${projectName}_back`);
    expect(back.json).toMatchObject({ Internal: false, Attachable: false });
  });

  it('entrypoint and init: docker-init is PID 1 and runs the entrypoint with the command', async () => {
    const cmdline = (await sh('api', 'cat /proc/1/cmdline')).split('\0').filter(Boolean);
    expect(cmdline[0]).toMatch(/docker-init$/);
    expect(cmdline.slice(1)).toEqual(['--', '/bin/sh', '-c', 'mkdir -p /www && echo from-api > /www/index.html && exec httpd -f -p 8080 -h /www']);
    // without init, PID 1 is the command itself
    expect((await sh('client', 'cat /proc/1/cmdline')).split('\0').filter(Boolean)).toEqual(['sleep', '300']); // after sh's exec
  });

  it('configs: file content at the target with uid, gid and mode; a short-form config at /NAME', async () => {
    expect(await sh('api', 'cat /etc/app/app.conf')).toBe('listen = 8080\nmode = fields\n');
    expect(await sh('api', 'stat -c "%a %u %g" /etc/app/app.conf')).toBe('440 1000 1001\n');
    expect(await sh('api', 'cat /plain_conf')).toBe('plain config\n');
  });

  it('an inline config and a secret from a variable: written by the engine to private files, read in the container', async () => {
    expect(await sh('client', 'cat /etc/client/inline.conf')).toBe(`written inline for ${projectName}\n`);
    expect(await sh('client', 'cat /run/secrets/api_token')).toBe('token-from-the-env-option');
  });

  it('secrets long form: a relative target under /run/secrets, with its mode', async () => {
    expect(await sh('api', 'cat /run/secrets/db/password')).toBe('not-a-real-password\n');
    expect(await sh('api', 'stat -c "%a %u %g" /run/secrets/db/password')).toBe('400 0 0\n');
  });

  it('cap_drop: CHOWN and NET_RAW are missing from CapEff (a container without cap_drop has them)', async () => {
    const dropped = capEff(await sh('api', 'cat /proc/self/status'));
    expect(has(dropped, CAP_CHOWN)).toBe(false);
    expect(has(dropped, CAP_NET_RAW)).toBe(false);
    expect(has(dropped, CAP_KILL)).toBe(true);
    const kept = capEff(await sh('client', 'cat /proc/self/status'));
    expect(has(kept, CAP_CHOWN)).toBe(true);
    expect(has(kept, CAP_NET_RAW)).toBe(true);
    if (!stack) throw new Error('the stack is not up');
    const chown = await stack.exec('api', ['sh', '-c', 'touch /tmp/f && chown 1234 /tmp/f'], { timeoutMs: 10_000 });
    expect(chown.exitCode).not.toBe(0);
    expect(chown.stderr).toMatch(/not permitted/i);
  });

  it('ulimits: nofile soft and hard, as the service processes see them', async () => {
    // The limits are the service's: its PID 1 and what it starts. (A shell that exec starts gets
    // whatever the engine gives exec processes: Engine API 1.41 execs run at the hard limit.)
    expect(await sh('api', 'cat /proc/1/limits')).toMatch(/^Max open files\s+1024\s+2048\s+files/m);
    expect(await sh('client', 'cat /proc/1/limits')).toMatch(/^Max open files\s+512\s+768\s+files/m);
    // client's command wrote `ulimit -n` (its soft limit) before it went to sleep
    expect(await sh('client', 'cat /tmp/ulimit-n')).toBe('512\n');
  });

  it('extra_hosts: both entries in /etc/hosts', async () => {
    const hosts = await sh('api', 'cat /etc/hosts');
    expect(hosts).toMatch(/^10\.1\.2\.3\s+db\.internal$/m);
    expect(hosts).toMatch(/^10\.1\.2\.4\s+cache\.internal$/m);
  });

  it('tmpfs (service list) and a tmpfs volume: mounted with their sizes', async () => {
    const mounts = (await sh('api', 'cat /proc/mounts')).split('\n');
    expect(mounts.find((line) => line.split(' ')[1] === '/scratch')).toMatch(/^tmpfs \/scratch tmpfs .*size=1024k/);
    expect(mounts.find((line) => line.split(' ')[1] === '/cache')).toMatch(/^tmpfs \/cache tmpfs .*size=2048k/);
  });

  it('hostname, domainname, sysctls', async () => {
    expect(await sh('api', 'hostname')).toBe('api-host\n');
    expect(await sh('api', 'cat /proc/sys/kernel/domainname')).toBe('fields.test\n');
    expect(await sh('api', 'cat /proc/sys/net/core/somaxconn')).toBe('511\n');
    expect(await sh('client', 'cat /proc/sys/net/core/somaxconn')).not.toBe('511\n');
  });

  it('expose and labels: exposed (not published) ports and the service labels on the container', async () => {
    const api = stack?.service('api').containers()[0];
    const inspect = await rawEngine<{ Config: { ExposedPorts: Record<string, unknown>; Labels: Record<string, string> }; HostConfig: { PortBindings: Record<string, unknown> | null } }>(
      'GET',
      `/containers/${api?.id}/json`,
    );
    expect(Object.keys(inspect.json.Config.ExposedPorts).sort()).toEqual(['8080/tcp', '9000/udp', '9001/udp']);
    expect(Object.keys(inspect.json.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(inspect.json.Config.Labels['tier']).toBe('backend');
  });
});

describe('Compose fields on Docker: namespaces and fixed addresses', () => {
  it('networks.ipv4_address: the fixed address on the network (ipam subnet), reachable from another container', async () => {
    expect(await sh('client', 'ip -4 addr show')).toMatch(/inet 10\.213\.117\.50\//);
    // from sidecar, in api's network namespace (api itself dropped NET_RAW, which ping needs)
    expect(await sh('sidecar', 'ping -c1 -W2 10.213.117.50')).toMatch(/1 packets received/);
  });

  it('network_mode and pid service:NAME: the sidecar shares api\'s network and process namespaces', async () => {
    expect(await sh('sidecar', 'wget -q -O - http://127.0.0.1:8080/')).toBe('from-api\n');
    expect(await sh('sidecar', 'hostname')).toBe('api-host\n');
    expect(await sh('sidecar', 'ps -o comm')).toMatch(/^httpd$/m);
    expect(await sh('client', 'ps -o comm')).not.toMatch(/^httpd$/m);
  });
});

describe('Compose fields the Docker runtime does not apply', () => {
  it('are refused by name before anything is created', async () => {
    const refusedName = uniqueProject('fields-refused');
    const project = await loadProject(fixture('refused.yaml'), { projectName: refusedName, env: { IMAGE: TEST_IMAGE } });
    const error = await project.up({ runtime, timeout: 30_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    try {
      expect(isUnsupportedFieldError(error), String(error)).toBe(true);
      if (!isUnsupportedFieldError(error)) return;
      expect(error.fields.map((f) => f.field).sort()).toEqual(['annotations']);
      expect(await runtime.listContainers(refusedName)).toEqual([]);
      expect(await runtime.listNetworks(refusedName)).toEqual([]);
    } finally {
      await sweep(runtime, refusedName);
    }
  });
});

describe('secrets in environment, on the runtime alone (without the engine filling them in)', () => {
  it('are refused outside development mode, and injected from the secret file in it', async () => {
    const project = uniqueProject('fields-secret-env');
    const secrets = [{ name: 'db_password', file: fixture('db_password.txt') }];
    const request = containerRequest(project, 'app', { command: ['sleep', '30'], environment: { DB_PASSWORD: { secret: 'db_password' } } }, { secrets });
    const strict = dockerRuntime({ secretsDevMode: false });
    const dev = dockerRuntime({ secretsDevMode: true });
    try {
      const refused = await strict.createContainer(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSecretInEnvironmentError(refused), String(refused)).toBe(true);
      expect(await strict.listContainers(project)).toEqual([]);
      const created = await dev.createContainer(request);
      await dev.startContainer(created.id);
      expect((await dev.exec(created.id, ['sh', '-c', 'echo "$DB_PASSWORD"'])).stdout).toBe('not-a-real-password\n');
    } finally {
      await sweep(dev, project);
      await strict.close();
      await dev.close();
    }
  });
});
