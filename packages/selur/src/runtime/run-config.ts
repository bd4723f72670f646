/**
 * Maps a {@link ContainerRequest} to the `config` of a Svalinn run request (the gateway's camelCase
 * fields, which Svalinn passes on to Vörðr). See `selur-runtime.ts` for the whole mapping table.
 */
import { isAbsolute, resolve } from 'node:path';
import {
  parseDuration,
  resolveSecretEnvironment,
  UnsupportedOperationError,
  type ContainerRequest,
  type HealthcheckSpec,
  type PortSpec,
  type RestartPolicy,
  type SvalinnHealthcheck,
  type SvalinnRunConfig,
} from '@selur/compose';

/** The healthcheck as sent: the schema's `startPeriod` and Vörðr's `start_period`, both. */
export interface SelurHealthcheck extends SvalinnHealthcheck {
  readonly start_period?: string | undefined;
}

/** The run config as sent: the gateway's fields plus `labels` (Vörðr keeps them in its config). */
export interface SelurRunConfig extends SvalinnRunConfig {
  readonly healthcheck?: SelurHealthcheck | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** A duration as Vörðr parses it: whole seconds (`"1m30s"` → `"90s"`, `"500ms"` → `"1s"`). */
export function vordrSeconds(duration: string): string {
  let ms = 0;
  try {
    ms = parseDuration(duration);
  } catch {
    // not a duration (validation refuses one before it gets here): "0s"
  }
  return `${Math.ceil(ms / 1000)}s`;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The healthcheck test as one shell string; `undefined` for `['NONE']` and for none. */
function testString(test: string | readonly string[] | undefined): string | undefined {
  if (test === undefined) return undefined; // the image's own test: refused by name before (`healthcheck.image_test`)
  if (typeof test === 'string') return test;
  const [head, ...rest] = test;
  if (head === 'NONE') return undefined;
  if (head === 'CMD-SHELL') return rest.join(' ');
  return (head === 'CMD' ? rest : test).map(shellQuote).join(' ');
}

function healthcheck(hc: HealthcheckSpec | undefined): SelurHealthcheck | undefined {
  if (!hc || hc.disable) return undefined;
  const test = testString(hc.test);
  if (test === undefined) return undefined;
  const startPeriod = vordrSeconds(hc.start_period);
  return { test, interval: vordrSeconds(hc.interval), timeout: vordrSeconds(hc.timeout), retries: hc.retries, startPeriod, start_period: startPeriod };
}

function restart(policy: RestartPolicy): NonNullable<SvalinnRunConfig['restart']> {
  return policy.startsWith('on-failure') ? 'on-failure' : (policy as NonNullable<SvalinnRunConfig['restart']>);
}

function port(service: string, p: PortSpec): string {
  if (p.published === undefined || p.published === 0) {
    throw new UnsupportedOperationError('selur', 'ports without a host port', {
      service,
      hint: `Vörðr publishes "HOST:CONTAINER" only; give container port ${p.target} a host port (e.g. "${p.target}:${p.target}")`,
    });
  }
  const host = p.host_ip ?? '127.0.0.1';
  const ip = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${ip}:${p.published}:${p.target}${p.protocol === 'udp' ? '/udp' : ''}`;
}

function mountString(service: string, source: string, target: string, readOnly: boolean): string {
  if (source.includes(':') || target.includes(':')) {
    throw new UnsupportedOperationError('selur', 'mount paths containing ":"', { service, hint: `Vörðr's "SOURCE:TARGET" form cannot carry ${source}:${target}` });
  }
  return `${source}:${target}${readOnly ? ':ro' : ''}`;
}

async function environment(request: ContainerRequest, devSecrets: boolean): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(request.environment).sort()) env[key] = request.environment[key] as string;
  return { ...env, ...(await resolveSecretEnvironment(request.service, request.spec, request.secrets, devSecrets)) };
}

/**
 * @internal The run config for one replica. Secrets from `environment` are refused unless
 * `devSecrets` (then the file's content is injected, and never logged).
 */
export async function runConfig(request: ContainerRequest, devSecrets: boolean, extraLabels: Readonly<Record<string, string>>): Promise<SelurRunConfig> {
  const { spec, service } = request;
  const env = await environment(request, devSecrets);
  const ports = spec.ports.map((p) => port(service, p));
  const volumes = request.mounts.map((m) => {
    const source = m.type === 'bind' && !isAbsolute(m.source) ? resolve(request.workingDir, m.source) : m.source;
    return mountString(service, source, m.target, m.readOnly);
  });
  for (const { source: name } of spec.secrets) {
    const secret = request.secrets.find((s) => s.name === name);
    if (!secret) throw new UnsupportedOperationError('selur', 'external secrets', { service, hint: `secret '${name}' has no file; Vörðr mounts secrets from files only` });
    volumes.push(mountString(service, secret.file, `/run/secrets/${name}`, true));
  }
  const hc = healthcheck(spec.healthcheck);
  return {
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(request.networks.length > 0 ? { networks: [...request.networks] } : {}),
    ...(spec.command !== undefined ? { command: [...spec.command] } : {}),
    ...(spec.working_dir !== undefined ? { workdir: spec.working_dir } : {}),
    readOnlyRoot: spec.read_only,
    restart: restart(spec.restart),
    ...(hc ? { healthcheck: hc } : {}),
    labels: { ...request.labels, ...extraLabels },
  };
}
