import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bashCompletion, zshCompletion } from './completion.js';

const dir = mkdtempSync(join(tmpdir(), 'selur-cli-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bash completion function for a command line (cursor at the end) and returns COMPREPLY. */
function complete(line: string): string[] {
  const script = join(dir, 'completion.bash');
  writeFileSync(script, bashCompletion());
  // A stand-in `selur-compose` prints two services for `config --services`.
  const fake = join(dir, 'selur-compose');
  writeFileSync(fake, '#!/bin/sh\n[ "$1 $2" = "config --services" ] && printf "api\\nworker\\n"\n', { mode: 0o755 });
  const words = line.split(' ');
  const program = [
    `source ${JSON.stringify(script)}`,
    `COMP_WORDS=(${words.map((w, i) => (i === 0 ? JSON.stringify(fake) : JSON.stringify(w))).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_selur_compose',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8', timeout: 10_000 });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('is valid bash', () => {
    const result = spawnSync('bash', ['-n'], { input: bashCompletion(), encoding: 'utf8', timeout: 10_000 });
    expect(result.status, result.stderr).toBe(0);
  });

  it('completes commands, options, option values, subcommands and services', () => {
    expect(complete('selur-compose u')).toEqual(['up', 'unpause']);
    expect(complete('selur-compose --run')).toEqual(['--runtime']);
    expect(complete('selur-compose --runtime d')).toEqual(['docker']);
    expect(complete('selur-compose -f x.toml up --no-')).toEqual(['--no-wait-ports', '--no-start', '--no-deps', '--no-recreate', '--no-color']);
    expect(complete('selur-compose network ')).toEqual(['ls', 'create', 'rm']);
    expect(complete('selur-compose ps --format ')).toEqual(['table', 'json']);
    expect(complete('selur-compose logs -f a')).toEqual(['api']);
    expect(complete('selur-compose --progress plain restart ')).toEqual(['api', 'worker']);
  });
});

describe('zsh completion', () => {
  it('declares itself for selur-compose and describes every command', () => {
    const script = zshCompletion();
    expect(script.startsWith('#compdef selur-compose\n')).toBe(true);
    for (const name of ['up', 'down', 'logs', 'exec', 'network', 'completion']) expect(script).toMatch(new RegExp(`'${name}:`));
  });

  // zsh is not part of every image (bash is): the syntax check runs where it is installed.
  const hasZsh = !spawnSync('zsh', ['--version'], { encoding: 'utf8' }).error;
  it.skipIf(!hasZsh && process.env['CI'] !== 'true')('is valid zsh (CI installs zsh, so it never skips there)', () => {
    const result = spawnSync('zsh', ['-n'], { input: zshCompletion(), encoding: 'utf8', timeout: 10_000 });
    expect(result.status, result.stderr).toBe(0);
  });
});
