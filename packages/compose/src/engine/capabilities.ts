import { UnsupportedFieldError, type UnsupportedFieldUse } from '../errors/unsupported-field-error.js';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import { projectFieldsInUse, serviceFieldsInUse, type ComposeField } from '../spec/fields-in-use.js';
import type { ProjectSpec } from '../spec/types.js';
import type { WaitStrategy } from '../model/wait.js';
import type { DesiredState } from '../plan/types.js';
import type { Runtime, RuntimeCapability } from '../runtime/types.js';
import { ENGINE_SOURCES } from './inline-sources.js';

/** The runtime applies the field itself, or the engine does it for it (see {@link ENGINE_SOURCES}). */
function applies(runtime: Runtime, field: ComposeField): boolean {
  if (runtime.capabilities.has(`field:${field}`)) return true;
  const through = ENGINE_SOURCES[field];
  return through !== undefined && runtime.capabilities.has(through);
}

function needs(strategy: WaitStrategy | undefined, out: Set<RuntimeCapability>): void {
  if (!strategy) return;
  if (strategy.kind === 'log') out.add('logs.follow');
  if (strategy.kind === 'command') out.add('exec');
  if (strategy.kind === 'port' || strategy.kind === 'http') out.add('ports');
  if (strategy.kind === 'all') for (const s of strategy.strategies) needs(s, out);
}

/**
 * @internal Fails early, typed, when the project needs something the runtime cannot do
 * (replicas, published ports, secrets, bind mounts, exec or log following for a wait strategy),
 * instead of failing obscurely half-way through an `up`.
 */
export function checkCapabilities(runtime: Runtime, desired: DesiredState, waits: ReadonlyMap<string, WaitStrategy>): void {
  for (const service of desired.services) {
    const wanted = new Set<RuntimeCapability>();
    if (service.replicas > 1) wanted.add('replicas');
    if (service.spec.ports.length > 0) wanted.add('ports');
    if (service.spec.secrets.length > 0) wanted.add('secrets');
    if (service.spec.volumes.some((m) => m.type === 'bind')) wanted.add('bind-mounts');
    needs(waits.get(service.name), wanted);
    for (const capability of wanted) {
      if (!runtime.capabilities.has(capability)) {
        throw new UnsupportedOperationError(runtime.name, capability, { service: service.name, hint: `service '${service.name}' needs it; use a runtime that has it or change the service` });
      }
    }
  }
}

/**
 * @internal Every Compose field the selected services (and the resources they use) need that the
 * runtime cannot apply. Empty when the runtime honours them all.
 */
export function unsupportedFields(runtime: Runtime, spec: ProjectSpec, desired: DesiredState): UnsupportedFieldUse[] {
  const out: UnsupportedFieldUse[] = [];
  for (const service of desired.services)
    for (const field of serviceFieldsInUse(service.spec)) if (!applies(runtime, field)) out.push({ field, where: `service '${service.name}'` });
  const kinds: Record<string, string> = { network: 'network', volume: 'volume', secret: 'secret', config: 'config' };
  for (const { field, resource } of projectFieldsInUse(spec, desired.services.map((s) => s.name)))
    if (!applies(runtime, field)) out.push({ field, where: `${kinds[field.split('.')[0] as string] ?? 'resource'} '${resource}'` });
  return out;
}

/**
 * @internal Refuses (typed, listing them all) or reports the fields the runtime cannot apply,
 * before anything is created. Returns the fields that will be left out, for warnings.
 */
export function checkFields(runtime: Runtime, spec: ProjectSpec, desired: DesiredState, mode: 'error' | 'warn'): UnsupportedFieldUse[] {
  const fields = unsupportedFields(runtime, spec, desired);
  if (fields.length > 0 && mode === 'error') throw new UnsupportedFieldError(runtime.name, fields);
  return fields;
}
