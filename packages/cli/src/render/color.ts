/** ANSI styling that can be switched off (no TTY, `--no-color`, `NO_COLOR`). */
export interface Colors {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  /** A stable colour per service name, for `service |` prefixes. */
  service(name: string, text?: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94] as const;

/** A stable index for a name (FNV-1a), so a service keeps its colour across runs. */
export function colorIndex(name: string, size = PALETTE.length): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash % size;
}

/** Colour helpers; identity functions when `enabled` is false. */
export function colors(enabled: boolean): Colors {
  const id = (text: string) => text;
  return {
    enabled,
    bold: enabled ? wrap(1, 22) : id,
    dim: enabled ? wrap(2, 22) : id,
    red: enabled ? wrap(31, 39) : id,
    green: enabled ? wrap(32, 39) : id,
    yellow: enabled ? wrap(33, 39) : id,
    blue: enabled ? wrap(34, 39) : id,
    cyan: enabled ? wrap(36, 39) : id,
    service: (name, text = name) => (enabled ? wrap(PALETTE[colorIndex(name)]!, 39)(text) : text),
  };
}

/** Whether to colour a stream: a TTY, unless `NO_COLOR` is set or `FORCE_COLOR` forces it. */
export function shouldColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY && env['TERM'] !== 'dumb';
}

/** The printed width of a string, ignoring ANSI escapes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
