import { BIN, COMMANDS, GROUPS, SECTIONS, findCommand, findGroup } from './args/commands.js';
import { ENVIRONMENT_VARIABLES, GLOBAL_OPTIONS } from './args/global-options.js';
import type { CommandSpec, GroupSpec, OptionSpec } from './args/spec.js';
import { ExitCode } from './exit-codes.js';

const WIDTH = 100;

function wrap(text: string, indent: number, width = WIDTH): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l)).join('\n');
}

function optionLabel(option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '    ';
  const value = option.type === 'string' ? ` ${option.choices ? option.choices.join('|') : option.value ?? 'VALUE'}` : '';
  return `${short}--${option.name}${value}`;
}

function table(rows: readonly (readonly [string, string])[], indent = 2): string {
  const pad = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows
    .map(([left, right]) => {
      const head = ' '.repeat(indent) + left;
      if (left.length + 2 > pad) return `${head}\n${' '.repeat(indent + pad)}${wrap(right, indent + pad)}`;
      return head + ' '.repeat(pad - left.length) + wrap(right, indent + pad);
    })
    .join('\n');
}

function optionRows(options: readonly OptionSpec[]): [string, string][] {
  return options.map((o) => [optionLabel(o), o.description + (o.defaultText ? ` (default: ${o.defaultText})` : '')]);
}

function usageLine(command: CommandSpec): string {
  const parts = [BIN, '[GLOBAL OPTIONS]', command.name];
  if (command.options.length > 0) parts.push('[OPTIONS]');
  for (const p of command.positionals) {
    const name = p.variadic ? `${p.name}...` : p.name;
    parts.push(p.required ? name : `[${name}]`);
  }
  return parts.join(' ');
}

/** Exit codes, for help and the README. */
export const EXIT_CODE_TABLE: readonly (readonly [number | string, string])[] = [
  [ExitCode.ok, 'success'],
  [ExitCode.error, 'failed (a service, the runtime, a check)'],
  [ExitCode.usage, 'wrong command line'],
  [ExitCode.validation, 'invalid compose file (TOML/YAML syntax or validation)'],
  [ExitCode.unsupported, 'the runtime cannot do this'],
  [ExitCode.interrupted, 'interrupted (Ctrl-C)'],
  ['N', "run/exec: the command's exit code; up: the failing service's exit code"],
];

/** The help of one command. */
export function commandHelp(command: CommandSpec): string {
  const out = [`Usage: ${usageLine(command)}`, '', wrap(command.summary + '.', 0)];
  if (command.description) out.push('', wrap(command.description, 0));
  if (command.positionals.length > 0) {
    out.push('', 'Arguments:', table(command.positionals.map((p) => [p.variadic ? `${p.name}...` : p.name, p.description])));
  }
  if (command.options.length > 0) out.push('', 'Options:', table(optionRows(command.options)));
  out.push('', 'Examples:');
  for (const example of command.examples) out.push(`  $ ${example.command}`, `      ${wrap(example.description, 6)}`);
  out.push('', `Global options (-f, -p, --runtime, ...): see '${BIN} --help'.`);
  return out.join('\n') + '\n';
}

/** The help of a group of subcommands. */
export function groupHelp(group: GroupSpec): string {
  const subs = group.subcommands.map((s) => findCommand(`${group.name} ${s}`)!);
  const out = [`Usage: ${BIN} [GLOBAL OPTIONS] ${group.name} ${group.subcommands.join('|')} ...`, '', `${group.summary}.`, '', 'Commands:'];
  out.push(table(subs.map((c) => [c.name.split(' ')[1]!, c.summary])));
  out.push('', 'Examples:');
  for (const c of subs) for (const example of c.examples) out.push(`  $ ${example.command}`, `      ${example.description}`);
  out.push('', `Run '${BIN} ${group.name} COMMAND --help' for more.`);
  return out.join('\n') + '\n';
}

/** The top-level help. */
export function mainHelp(version: string): string {
  const out = [
    `${BIN} ${version} — deploy, observe and tear down compose.toml stacks`,
    '',
    `Usage: ${BIN} [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]`,
  ];
  for (const section of SECTIONS) {
    out.push('', `${section.title}:`);
    out.push(
      table(
        section.names.map((name) => {
          const summary = findCommand(name)?.summary ?? findGroup(name)?.summary ?? '';
          const group = findGroup(name);
          return [group ? `${name} ${group.subcommands.join('|')}` : name, summary];
        }),
      ),
    );
  }
  out.push('', 'Global options:', table(optionRows(GLOBAL_OPTIONS)));
  out.push('', 'Environment:', table(ENVIRONMENT_VARIABLES.map((v) => [v.name, v.description])));
  out.push('', 'Exit codes:', table(EXIT_CODE_TABLE.map(([code, text]) => [String(code), text])));
  out.push(
    '',
    'Examples:',
    `  $ ${BIN} up -d --wait`,
    '      Start the stack in ./compose.toml in the background, return once it is healthy',
    `  $ ${BIN} ps`,
    '      What is running',
    `  $ ${BIN} down`,
    '      Stop and remove it',
    '',
    `Run '${BIN} COMMAND --help' for more on a command.`,
  );
  return out.join('\n') + '\n';
}

/** Every command and group name with its help text (for snapshots and docs). */
export function allHelpTexts(version: string): ReadonlyMap<string, string> {
  const texts = new Map<string, string>([['(main)', mainHelp(version)]]);
  for (const command of COMMANDS) texts.set(command.name, commandHelp(command));
  for (const group of GROUPS) texts.set(group.name, groupHelp(group));
  return texts;
}
