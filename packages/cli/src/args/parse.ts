import { parseArgs } from 'node:util';
import { COMMANDS, findCommand, findGroup, type Command } from './commands.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import type { CommandSpec, GroupSpec, OptionSpec } from './spec.js';
import { UsageError } from '../errors/usage-error.js';

/** Values of options as parsed: a string, a flag, or the list of a repeatable option. */
export type OptionValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/** A command line ready to run. */
export interface ParsedCommand {
  readonly kind: 'command';
  readonly command: Command;
  /** Global options, wherever they were given. */
  readonly globals: OptionValues;
  /** The command's own options. */
  readonly options: OptionValues;
  readonly positionals: readonly string[];
  /** For `exec`/`run`: the command to run, verbatim. */
  readonly rest: readonly string[];
}

/** What the command line asks for. */
export type ParsedCommandLine =
  | ParsedCommand
  | { readonly kind: 'help'; readonly topic?: CommandSpec | GroupSpec | undefined; readonly globals: OptionValues }
  | { readonly kind: 'version'; readonly globals: OptionValues };

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

function toParseArgs(specs: readonly OptionSpec[]): ParseArgsOptions {
  const out: ParseArgsOptions = {};
  for (const spec of specs) {
    out[spec.name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  return out;
}

/** The options accepted after a command: its own, then the globals that do not clash with them. */
export function optionsAfter(command: CommandSpec): readonly OptionSpec[] {
  const names = new Set(command.options.map((o) => o.name));
  const shorts = new Set(command.options.flatMap((o) => (o.short ? [o.short] : [])));
  const globals = GLOBAL_OPTIONS.filter((g) => !names.has(g.name)).map((g) => {
    if (!g.short || !shorts.has(g.short)) return g;
    const { short: _dropped, ...rest } = g;
    return rest;
  });
  return [...command.options, ...globals];
}

/** True when the token is an option that takes its value from the next token. */
function takesNextValue(token: string, specs: readonly OptionSpec[]): boolean {
  if (token.startsWith('--')) {
    if (token.includes('=')) return false;
    return specs.find((s) => s.name === token.slice(2))?.type === 'string';
  }
  // -abc: flags until one takes a value; it takes the rest of the token, or the next one.
  for (let i = 1; i < token.length; i++) {
    const spec = specs.find((s) => s.short === token[i]);
    if (spec?.type === 'string') return i === token.length - 1;
  }
  return false;
}

const isOption = (token: string) => token.startsWith('-') && token !== '-';

function parseOptions(args: readonly string[], specs: readonly OptionSpec[], where: string, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...args], options: toParseArgs(specs), strict: true, allowPositionals });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message.replace(/^Unknown option/, 'unknown option'), where);
  }
}

function checkValues(values: Record<string, unknown>, specs: readonly OptionSpec[], where: string): void {
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined || spec.type === 'boolean') continue;
    for (const item of Array.isArray(value) ? (value as string[]) : [value as string]) {
      if (spec.choices && !spec.choices.includes(item))
        throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')} (got '${item}')`, where);
      if (spec.integer && !/^\d+$/.test(item))
        throw new UsageError(`--${spec.name} must be a whole number ≥ 0 (got '${item}')`, where);
    }
  }
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Subcommand aliases, as Docker has them. */
const ALIASES: Readonly<Record<string, string>> = { list: 'ls', remove: 'rm' };

/** The closest known name, if it is close enough to be a typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (!best || d < best.d) best = { name: candidate, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) && best.d < best.name.length ? best.name : undefined;
}

const topLevelNames = () => [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];

/**
 * Parses `argv` (without node and the script): global options, the command (or group and
 * subcommand), its options and positionals. Throws {@link UsageError} for anything malformed.
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  let at = 0;
  while (at < argv.length && isOption(argv[at]!)) {
    if (argv[at] === '--') throw new UsageError(`'--' must follow a command`);
    at += takesNextValue(argv[at]!, GLOBAL_OPTIONS) ? 2 : 1;
  }
  const before = argv.slice(0, Math.min(at, argv.length));
  const globalsBefore = parseOptions(before, GLOBAL_OPTIONS, '', false).values as Record<string, unknown>;
  checkValues(globalsBefore, GLOBAL_OPTIONS, '');

  const name = argv[at];
  if (name === undefined) {
    if (globalsBefore['version'] === true) return { kind: 'version', globals: globalsBefore as OptionValues };
    return { kind: 'help', globals: globalsBefore as OptionValues };
  }
  if (name === 'help') {
    const topic = argv[at + 1];
    if (topic === undefined) return { kind: 'help', globals: globalsBefore as OptionValues };
    const sub = argv[at + 2];
    const found = (sub !== undefined && findCommand(`${topic} ${sub}`)) || findCommand(topic) || findGroup(topic);
    if (!found) throw new UsageError(`unknown command '${topic}'`);
    return { kind: 'help', topic: found, globals: globalsBefore as OptionValues };
  }

  let command = findCommand(name);
  let restStart = at + 1;
  const group = findGroup(name);
  if (group) {
    const given = argv[at + 1];
    if (given === undefined || given === '--help' || given === '-h') return { kind: 'help', topic: group, globals: globalsBefore as OptionValues };
    const sub = ALIASES[given] ?? given;
    command = findCommand(`${name} ${sub}`);
    if (!command) {
      const hint = suggest(sub, group.subcommands);
      throw new UsageError(`unknown ${name} command '${sub}'${hint ? ` (did you mean '${hint}'?)` : ''}; expected ${group.subcommands.join(', ')}`, name);
    }
    restStart = at + 2;
  }
  if (!command) {
    const hint = suggest(name, topLevelNames());
    throw new UsageError(`unknown command '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }

  const specs = optionsAfter(command);
  const tail = argv.slice(restStart);
  let cut = tail.length;
  if (command.passThroughAfter !== undefined) {
    let seen = 0;
    for (let i = 0; i < tail.length; i++) {
      const token = tail[i]!;
      if (token === '--') { cut = i; break; }
      if (isOption(token)) { if (takesNextValue(token, specs)) i++; continue; }
      seen++;
      if (seen === command.passThroughAfter) { cut = i + 1; break; }
    }
  }
  const parsed = parseOptions(tail.slice(0, cut), specs, command.name, true);
  const values = parsed.values as Record<string, unknown>;
  checkValues(values, specs, command.name);
  let rest = tail.slice(cut);
  if (rest[0] === '--') rest = rest.slice(1);

  const globals: Record<string, unknown> = { ...globalsBefore };
  const options: Record<string, unknown> = {};
  const own = new Set(command.options.map((o) => o.name));
  for (const [key, value] of Object.entries(values)) {
    if (own.has(key)) { options[key] = value; continue; }
    const previous = globals[key];
    globals[key] = Array.isArray(previous) && Array.isArray(value) ? [...(previous as string[]), ...(value as string[])] : value;
  }
  if (globals['help'] === true) return { kind: 'help', topic: command, globals: globals as OptionValues };

  const positionals = [...parsed.positionals];
  if (command.passThroughAfter !== undefined) positionals.push(...rest);
  checkPositionals(command, positionals);
  return {
    kind: 'command',
    command,
    globals: globals as OptionValues,
    options: options as OptionValues,
    positionals: command.passThroughAfter !== undefined ? positionals.slice(0, command.passThroughAfter) : positionals,
    rest: command.passThroughAfter !== undefined ? rest : [],
  };
}

function checkPositionals(command: CommandSpec, positionals: readonly string[]): void {
  const required = command.positionals.filter((p) => p.required).length;
  const variadic = command.positionals.some((p) => p.variadic);
  if (positionals.length < required) {
    const missing = command.positionals[positionals.length]!;
    throw new UsageError(`missing ${missing.name}`, command.name);
  }
  if (!variadic && positionals.length > command.positionals.length) {
    const extra = positionals[command.positionals.length]!;
    throw new UsageError(`unexpected argument '${extra}'`, command.name);
  }
}
