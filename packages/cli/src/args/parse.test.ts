import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/usage-error.js';
import { COMMANDS } from './commands.js';
import { parseCommandLine, suggest, type ParsedCommand } from './parse.js';

const command = (argv: string[]): ParsedCommand => {
  const parsed = parseCommandLine(argv);
  if (parsed.kind !== 'command') throw new Error(`expected a command, got ${parsed.kind}`);
  return parsed;
};
const usage = (argv: string[]): UsageError => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('reads global options before the command and the command options after it', () => {
    const p = command(['-f', 'a.toml', '--file', 'b.toml', '-p', 'shop', '--runtime', 'docker', 'up', '-d', '--wait', 'api', 'web']);
    expect(p.command.name).toBe('up');
    expect(p.globals['file']).toEqual(['a.toml', 'b.toml']);
    expect(p.globals['project-name']).toBe('shop');
    expect(p.globals['runtime']).toBe('docker');
    expect(p.options).toEqual({ detach: true, wait: true });
    expect(p.positionals).toEqual(['api', 'web']);
  });

  it('accepts long global options after the command too, and appends repeated ones', () => {
    const p = command(['-f', 'a.toml', 'ps', '--file', 'b.toml', '--profile', 'x', '--format', 'json']);
    expect(p.globals['file']).toEqual(['a.toml', 'b.toml']);
    expect(p.globals['profile']).toEqual(['x']);
    expect(p.options['format']).toBe('json');
  });

  it('gives a short option to the command when it clashes with a global one', () => {
    const logs = command(['-f', 'compose.toml', 'logs', '-f', '--tail', '5']);
    expect(logs.options['follow']).toBe(true);
    expect(logs.globals['file']).toEqual(['compose.toml']);
    const down = command(['-v', 'down', '-v']);
    expect(down.globals['verbose']).toBe(true);
    expect(down.options['volumes']).toBe(true);
  });

  it('hands everything after the service of exec and run over verbatim', () => {
    const p = command(['exec', '--index', '2', 'web', 'ls', '-la', '--help', '-f']);
    expect(p.positionals).toEqual(['web']);
    expect(p.rest).toEqual(['ls', '-la', '--help', '-f']);
    expect(p.options['index']).toBe('2');
    const q = command(['run', '--rm', 'api', '--', 'node', '-v']);
    expect(q.positionals).toEqual(['api']);
    expect(q.rest).toEqual(['node', '-v']);
    expect(q.options['rm']).toBe(true);
  });

  it('parses option values given with = and attached short values', () => {
    const p = command(['--file=x.toml', '-pdemo', 'logs', '--tail=3', '-n', '4']);
    expect(p.globals['file']).toEqual(['x.toml']);
    expect(p.globals['project-name']).toBe('demo');
    expect(p.options['tail']).toBe('4');
  });

  it('resolves subcommands of groups', () => {
    expect(command(['network', 'ls', '--format', 'json']).command.name).toBe('network ls');
    expect(command(['volume', 'rm', 'data', 'cache']).positionals).toEqual(['data', 'cache']);
    expect(command(['completion', 'zsh']).command.name).toBe('completion zsh');
    expect(command(['network', 'list']).command.name).toBe('network ls');
    expect(command(['volume', 'remove', 'x']).command.name).toBe('volume rm');
  });

  it('returns help for --help anywhere, help TOPIC, a bare group, and no arguments', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const parsed = parseCommandLine(argv);
      expect(parsed.kind).toBe('help');
      expect(parsed.kind === 'help' && parsed.topic).toBeUndefined();
    }
    expect(parseCommandLine(['up', '--help'])).toMatchObject({ kind: 'help', topic: { name: 'up' } });
    expect(parseCommandLine(['ps', '-h'])).toMatchObject({ kind: 'help', topic: { name: 'ps' } });
    expect(parseCommandLine(['help', 'logs'])).toMatchObject({ kind: 'help', topic: { name: 'logs' } });
    expect(parseCommandLine(['help', 'network', 'rm'])).toMatchObject({ kind: 'help', topic: { name: 'network rm' } });
    expect(parseCommandLine(['network'])).toMatchObject({ kind: 'help', topic: { name: 'network', subcommands: ['ls', 'create', 'rm'] } });
    expect(parseCommandLine(['--version'])).toMatchObject({ kind: 'version' });
  });

  it('rejects malformed command lines with a usage error naming the command', () => {
    expect(usage(['upp']).message).toBe("unknown command 'upp' (did you mean 'up'?)");
    expect(usage(['frobnicate']).message).toBe("unknown command 'frobnicate'");
    expect(usage(['up', '--detatch'])).toMatchObject({ command: 'up' });
    expect(usage(['up', '--detatch']).message).toMatch(/unknown option '--detatch'/);
    expect(usage(['ps', '--format', 'yaml']).message).toBe("--format must be one of table, json (got 'yaml')");
    expect(usage(['--runtime', 'k8s', 'ps']).message).toBe("--runtime must be one of process, docker, selur, swarm, kubernetes (got 'k8s')");
    expect(usage(['logs', '--tail', 'ten']).message).toBe("--tail must be a whole number ≥ 0 (got 'ten')");
    expect(usage(['exec', 'web']).message).toBe('missing COMMAND');
    expect(usage(['inspect']).message).toBe('missing SERVICE');
    expect(usage(['config', 'extra']).message).toBe("unexpected argument 'extra'");
    expect(usage(['network', 'lss']).message).toBe("unknown network command 'lss' (did you mean 'ls'?); expected ls, create, rm");
    expect(usage(['--', 'up']).message).toBe("'--' must follow a command");
    expect(usage(['ps', '-p']).message).toMatch(/argument missing/);
  });

  it('every command has a summary, examples, and option names without clashes', () => {
    for (const c of COMMANDS) {
      expect(c.summary.length, c.name).toBeGreaterThan(5);
      expect(c.examples.length, c.name).toBeGreaterThan(0);
      const names = c.options.map((o) => o.name);
      expect(new Set(names).size, c.name).toBe(names.length);
      const shorts = c.options.flatMap((o) => (o.short ? [o.short] : []));
      expect(new Set(shorts).size, c.name).toBe(shorts.length);
    }
  });
});

describe('suggest', () => {
  it('proposes a close name and nothing for a distant one', () => {
    expect(suggest('sacle', ['scale', 'stop'])).toBe('scale');
    expect(suggest('xyz', ['scale', 'stop'])).toBeUndefined();
  });
});
