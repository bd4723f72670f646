import { createGraph } from '../graph/dependency-graph.js';
import { joinPath, type SpecIssue } from './issues.js';
import type { PortSpec, ProjectSpec } from './types.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

function hostKey(port: PortSpec): string {
  return `${port.published}/${port.protocol}`;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 99;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

function unknown(kind: string, name: string, declared: readonly string[], hint: string): string {
  const guess = closest(name, declared);
  return `${kind} '${name}' is not declared${guess ? ` (did you mean '${guess}'?)` : ''}; ${hint}`;
}

/**
 * The semantic rules a schema cannot express, over a canonical spec: a non-empty image; every
 * dependency (unless `required = false`), network, named volume and secret (including
 * `{ secret = "X" }` in environment) declared; no dependency cycles (reported with the whole cycle); no host port published twice
 * (same address, port and protocol; `0` and unpublished ports are ignored; `0.0.0.0` clashes
 * with every address).
 */
export function semanticIssues(spec: ProjectSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { services, volumes, networks, secrets, configs } = spec;
  const names = (record: object) => Object.keys(record);
  // host port -> first publisher (service, index, ip)
  const published = new Map<string, Array<{ ip: string; service: string; index: number }>>();
  const edges: Record<string, string[]> = {};
  for (const name in services) {
    const service = services[name] as ProjectSpec['services'][string];
    const base = joinPath('services', name);
    // a service with `build` and no image gets `<project>-<service>` (as Docker Compose names it)
    if (service.image.trim() === '' && service.build === undefined)
      report(issues, name, 'missing-image', `${base}.image`, 'image must be a non-empty bundle or image reference (e.g. image = "ghcr.io/org/app:v1.ctp"), or give the service a build');
    const deps: string[] = [];
    for (const dependency in service.depends_on) {
      if (Object.hasOwn(services, dependency)) deps.push(dependency);
      else if (service.depends_on[dependency]?.required !== false)
        report(issues, name, 'unknown-dependency', joinPath(`${base}.depends_on`, dependency),
          unknown('dependency', dependency, names(services), `define [services.${dependency}] or remove it from depends_on`));
    }
    edges[name] = deps;
    for (const network in service.networks) {
      if (!Object.hasOwn(networks, network))
        report(issues, name, 'unknown-network', joinPath(`${base}.networks`, network), unknown('network', network, names(networks), `add [networks.${network}]`));
    }
    for (let i = 0; i < service.volumes.length; i++) {
      const mount = service.volumes[i] as ProjectSpec['services'][string]['volumes'][number];
      if (mount.type === 'volume' && mount.source !== '' && !Object.hasOwn(volumes, mount.source))
        report(issues, name, 'unknown-volume', `${base}.volumes[${i}]`,
          unknown('volume', mount.source, names(volumes), `add [volumes.${mount.source}], or write ./${mount.source} for a bind mount`));
    }
    for (let i = 0; i < service.secrets.length; i++) {
      const secret = (service.secrets[i] as { source: string }).source;
      if (!Object.hasOwn(secrets, secret))
        report(issues, name, 'unknown-secret', `${base}.secrets[${i}]`, unknown('secret', secret, names(secrets), `add [secrets.${secret}] with file = "./path" or external = true`));
    }
    const used = service.configs ?? [];
    for (let i = 0; i < used.length; i++) {
      const config = (used[i] as { source: string }).source;
      if (!Object.hasOwn(configs, config))
        report(issues, name, 'unknown-config', `${base}.configs[${i}]`, unknown('config', config, names(configs), `add [configs.${config}] with file = "./path", content or external = true`));
    }
    const links = service.links ?? [];
    for (let i = 0; i < links.length; i++) {
      const target = (links[i] as string).split(':')[0] as string;
      if (!Object.hasOwn(services, target))
        report(issues, name, 'unknown-dependency', `${base}.links[${i}]`, unknown('linked service', target, names(services), `define [services.${target}] or remove the link`));
    }
    for (const key in service.environment) {
      const value = service.environment[key];
      if (typeof value === 'object' && !Object.hasOwn(secrets, value.secret))
        report(issues, name, 'unknown-secret', joinPath(`${base}.environment`, key),
          unknown('secret', value.secret, names(secrets), `environment.${key} refers to it; add [secrets.${value.secret}]`));
    }
    for (let i = 0; i < service.ports.length; i++) {
      const port = service.ports[i] as PortSpec;
      if (port.published === undefined || port.published === 0) continue;
      const key = hostKey(port);
      const ip = port.host_ip ?? '';
      const others = published.get(key);
      const clash = others?.find((other) => other.ip === ip || WILDCARD.has(other.ip) || WILDCARD.has(ip));
      if (clash)
        report(issues, name, 'duplicate-port', `${base}.ports[${i}]`,
          `host port ${port.published}/${port.protocol}${ip ? ` on ${ip}` : ''} is already published by ${clash.service === name ? 'this service' : `service '${clash.service}'`} (${joinPath('services', clash.service)}.ports[${clash.index}]); pick another host port or 0 for any free one`);
      else if (others) others.push({ ip, service: name, index: i });
      else published.set(key, [{ ip, service: name, index: i }]);
    }
  }
  for (const cycle of createGraph(edges).findCycles()) {
    const first = cycle[0] as string;
    issues.push({
      code: 'dependency-cycle',
      path: joinPath(`${joinPath('services', first)}.depends_on`, cycle[1] as string),
      message: `dependency cycle: ${cycle.join(' -> ')}; remove one of these dependencies`,
      service: first,
    });
  }
  return issues;
}

function report(issues: SpecIssue[], service: string, code: string, path: string, message: string): void {
  issues.push({ code, path, message: `service '${service}': ${message}`, service });
}
