import { BIN, COMMANDS, GROUPS, SECTIONS } from './args/commands.js';
import { GLOBAL_OPTIONS } from './args/global-options.js';
import { optionsAfter } from './args/parse.js';
import type { CommandSpec, OptionSpec } from './args/spec.js';

const fn = `_${BIN.replace(/-/g, '_')}`;
const words = (options: readonly OptionSpec[]) =>
  options.flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]).join(' ');
const valueFlags = (options: readonly OptionSpec[]) =>
  options.filter((o) => o.type === 'string').flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]);

function bashValueCases(options: readonly OptionSpec[], indent: string): string {
  const lines: string[] = [];
  for (const o of options.filter((x) => x.type === 'string')) {
    const pattern = [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])].join('|');
    const action = o.choices
      ? `COMPREPLY=( $(compgen -W "${o.choices.join(' ')}" -- "$cur") )`
      : o.complete === 'file'
        ? `COMPREPLY=( $(compgen -f -- "$cur") )`
        : o.complete === 'service'
          ? `COMPREPLY=( $(compgen -W "$(${fn}_services)" -- "$cur") )`
          : 'COMPREPLY=()';
    lines.push(`${indent}${pattern}) ${action}; return ;;`);
  }
  return lines.join('\n');
}

function wantsServices(command: CommandSpec): boolean {
  return command.positionals.some((p) => p.complete === 'service');
}

/** The bash completion script (`source <(selur-compose completion bash)`). */
export function bashCompletion(): string {
  const topLevel = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))].join(' ');
  const globalValue = valueFlags(GLOBAL_OPTIONS).join('|');
  const groups = GROUPS.map((g) => g.name).join('|');
  const commandCases = COMMANDS.map((c) => {
    const key = c.name.replace(' ', ':');
    const positional = wantsServices(c) ? `COMPREPLY=( $(compgen -W "$(${fn}_services)" -- "$cur") )` : 'COMPREPLY=()';
    return [
      `    ${key})`,
      `      case "$prev" in`,
      bashValueCases(optionsAfter(c), '        '),
      `      esac`,
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${words(optionsAfter(c))}" -- "$cur") ); else ${positional}; fi`,
      `      ;;`,
    ].join('\n');
  }).join('\n');
  const groupCases = GROUPS.map((g) => `    ${g.name}) COMPREPLY=( $(compgen -W "${g.subcommands.join(' ')}" -- "$cur") ) ;;`).join('\n');
  return `# bash completion for ${BIN}
# Enable: source <(${BIN} completion bash)   (or save it under /etc/bash_completion.d/)

${fn}_services() {
  "\${COMP_WORDS[0]}" config --services 2>/dev/null
}

${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local i w cmd="" sub=""
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    if [[ -z "$cmd" ]]; then
      case "$w" in
        ${globalValue}) (( i++ )); continue ;;
        -*) continue ;;
        *) cmd="$w"; continue ;;
      esac
    fi
    case "$cmd" in
      ${groups}) if [[ -z "$sub" && "$w" != -* ]]; then sub="$w"; fi ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    case "$prev" in
${bashValueCases(GLOBAL_OPTIONS, '      ')}
    esac
    if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${words(GLOBAL_OPTIONS)}" -- "$cur") )
    else COMPREPLY=( $(compgen -W "${topLevel}" -- "$cur") ); fi
    return
  fi
  local key="$cmd"
  [[ -n "$sub" ]] && key="$cmd:$sub"
  case "$key" in
${commandCases}
${groupCases}
    *) COMPREPLY=() ;;
  esac
}

complete -o default -F ${fn} ${BIN}
`;
}

function zshEscape(text: string): string {
  return text.replace(/[[\]:'\\]/g, '').replace(/`/g, '');
}

function zshOption(o: OptionSpec): string[] {
  const desc = zshEscape(o.description);
  const value =
    o.type === 'boolean'
      ? ''
      : `:${zshEscape(o.value ?? 'value')}:${o.choices ? `(${o.choices.join(' ')})` : o.complete === 'file' ? '_files' : o.complete === 'service' ? `${fn}_services` : ' '}`;
  const repeat = o.multiple ? '*' : '';
  const out = [`'${repeat}--${o.name}${o.type === 'string' ? '=' : ''}[${desc}]${value}'`];
  if (o.short) out.push(`'${repeat}-${o.short}[${desc}]${value}'`);
  return out;
}

function zshCommand(c: CommandSpec): string {
  const args = c.options.flatMap(zshOption);
  if (wantsServices(c)) args.push(`'*:service:${fn}_services'`);
  else if (c.passThroughAfter !== undefined) args.push(`'1:service:${fn}_services'`, `'*::command:_normal'`);
  return `_arguments -s ${args.join(' ')}`;
}

/** The zsh completion script (save as `_selur-compose` in a folder of `$fpath`). */
export function zshCompletion(): string {
  const described = SECTIONS.flatMap((s) => s.names).map((name) => {
    const summary = COMMANDS.find((c) => c.name === name)?.summary ?? GROUPS.find((g) => g.name === name)?.summary ?? '';
    return `    '${name}:${zshEscape(summary)}'`;
  });
  const cases = COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => `      (${c.name}) ${zshCommand(c)} ;;`);
  const groupCases = GROUPS.map((g) => {
    const subs = g.subcommands.map((s) => `'${s}:${zshEscape(COMMANDS.find((c) => c.name === `${g.name} ${s}`)?.summary ?? '')}'`).join(' ');
    return `      (${g.name}) if (( CURRENT == 2 )); then _describe -t commands '${g.name} command' '(${subs})'; fi ;;`;
  });
  return `#compdef ${BIN}
# zsh completion for ${BIN}
# Install: ${BIN} completion zsh > "\${fpath[1]}/_${BIN}"   (then restart zsh)

${fn}_services() {
  local -a services
  services=(\${(f)"$(${BIN} config --services 2>/dev/null)"})
  _describe -t services service services
}

${fn}() {
  local curcontext="$curcontext" state line
  local -a commands
  commands=(
${described.join('\n')}
  )
  _arguments -C -s \\
    ${GLOBAL_OPTIONS.flatMap(zshOption).join(' \\\n    ')} \\
    '1:command:->command' \\
    '*::arg:->args'
  case $state in
    (command) _describe -t commands '${BIN} command' commands ;;
    (args)
      case $line[1] in
${cases.join('\n')}
${groupCases.join('\n')}
      esac ;;
  esac
}

${fn} "$@"
`;
}
