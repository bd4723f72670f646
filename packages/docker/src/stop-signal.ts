import type { ContainerCreateBody } from './mapping/engine-types.js';

/**
 * The label that carries the stop signal a container was created with (its `Config.StopSignal`,
 * when the create named one), so that a listing tells it: a later `down` (another process, the
 * CLI) then stops each container without inspecting it first for its signal. A container without
 * the label (created without a stop signal, or by an older version) is inspected as before.
 * @internal
 */
export const LABEL_STOP_SIGNAL = 'io.selur.compose.stop-signal';

/** Labels the create body with its stop signal; a label of that name the service set itself is dropped (only ours is trusted). @internal */
export function labelStopSignal(body: ContainerCreateBody): void {
  if (body.StopSignal) body.Labels[LABEL_STOP_SIGNAL] = body.StopSignal;
  else delete body.Labels[LABEL_STOP_SIGNAL];
}

/** The stop signal a listing's labels tell; undefined without our label. @internal */
export function stopSignalOfLabels(labels: Readonly<Record<string, string>> | null | undefined): string | undefined {
  const signal = labels?.[LABEL_STOP_SIGNAL];
  return signal === undefined || signal === '' ? undefined : signal;
}

/** `SIGTERM`, `TERM`, `15` → `TERM` (the common numbers only). @internal */
export function signalName(signal: string): string {
  const numbers: Readonly<Record<string, string>> = { '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '10': 'USR1', '12': 'USR2', '15': 'TERM' };
  const upper = signal.trim().toUpperCase();
  return numbers[upper] ?? upper.replace(/^SIG/, '');
}
