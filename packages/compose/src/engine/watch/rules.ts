import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { WatchConfigError } from '../../errors/watch-config-error.js';
import type { HookSpec, ServiceSpec, WatchSpec } from '../../spec/types.js';
import { dockerignoreLines, isEphemeral, patternMatcher, type PathMatcher } from './patterns.js';

/** @internal One `develop.watch` rule, ready to match changed host paths. */
export interface WatchRule {
  readonly service: string;
  /** Its index in the service's `develop.watch`. */
  readonly index: number;
  readonly action: WatchSpec['action'];
  /** Absolute host path watched. */
  readonly path: string;
  /** Where a sync writes, as written in the rule. */
  readonly target?: string | undefined;
  readonly exec?: HookSpec | undefined;
  readonly initialSync: boolean;
  /** The change is left out: `.dockerignore` of the build context, the rule's `ignore`, editors' temporary files, `.git`. */
  readonly ignored: PathMatcher;
  /** With `include`: only paths it matches count. */
  readonly included: PathMatcher;
}

/** @internal The actions that copy files into the service. */
export function syncs(action: WatchSpec['action']): boolean {
  return action === 'sync' || action === 'sync+restart' || action === 'sync+exec';
}

/** @internal Where a changed host path goes for a rule (undefined: the rule does not take it). */
export function matchRule(rule: WatchRule, hostPath: string): { readonly target?: string | undefined } | undefined {
  const rel = relative(rule.path, hostPath);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  if (!rule.included(hostPath) || rule.ignored(hostPath)) return undefined;
  if (rule.target === undefined) return {};
  return { target: rel === '' ? rule.target : posix.join(rule.target, rel.split(sep).join('/')) };
}

function dockerignoreOf(spec: ServiceSpec, workingDir: string): PathMatcher {
  if (spec.build === undefined) return () => false;
  const context = resolve(workingDir, spec.build.context);
  let text: string;
  try {
    text = readFileSync(resolve(context, '.dockerignore'), 'utf8');
  } catch {
    return () => false;
  }
  return patternMatcher(context, dockerignoreLines(text));
}

/**
 * @internal Compiles a service's `develop.watch` rules, refusing (typed) what cannot be carried
 * out: a path that does not exist, a sync without `target`, `sync+exec` without a command, and
 * (`builds`: the runtime builds images) `rebuild` without a `build` section.
 */
export function compileRules(service: string, spec: ServiceSpec, workingDir: string, builds: boolean): WatchRule[] {
  const dockerignore = dockerignoreOf(spec, workingDir);
  return (spec.develop?.watch ?? []).map((rule, index) => {
    const field = `services.${service}.develop.watch[${index}]`;
    const path = resolve(workingDir, rule.path);
    try {
      statSync(path);
    } catch {
      throw new WatchConfigError(`service '${service}': watched path ${path} does not exist; create it or fix develop.watch[${index}].path`, { service, field: `${field}.path` });
    }
    if (syncs(rule.action) && (rule.target === undefined || rule.target === ''))
      throw new WatchConfigError(`service '${service}': watch action ${rule.action} needs a target (where the files go in the service)`, { service, field: `${field}.target` });
    if (rule.action === 'sync+exec' && (rule.exec === undefined || rule.exec.command.length === 0))
      throw new WatchConfigError(`service '${service}': watch action sync+exec needs exec.command`, { service, field: `${field}.exec` });
    if (rule.action === 'rebuild' && builds && spec.build === undefined)
      throw new WatchConfigError(`service '${service}': watch action rebuild needs a build section (the image is rebuilt from it)`, { service, field: `${field}.action` });
    const own = patternMatcher(path, rule.ignore ?? []);
    const include = rule.include !== undefined && rule.include.length > 0 ? patternMatcher(path, rule.include) : undefined;
    return {
      service,
      index,
      action: rule.action,
      path,
      target: rule.target,
      exec: rule.exec,
      initialSync: rule.initial_sync === true,
      ignored: (p: string) => isEphemeral(relative(path, p)) || dockerignore(p) || own(p),
      // a rule on a file takes that file whatever its include says
      included: include === undefined ? () => true : (p: string) => p === path || include(p),
    };
  });
}
