/**
 * Issue 15, "The loader": each repro of the hostile-input probe as its own test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isComposeError, isComposeValidationError, loadProject, parseProject, type ValidationIssue } from '@selur/compose';

const BASE = 'version = "1.0"\n[services.a]\nimage = "a"\n';

/** The issues of a load that must fail validation. */
function issuesOf(text: string, options: Parameters<typeof parseProject>[1] = {}): ValidationIssue[] {
  try {
    parseProject(text, { env: {}, file: 'compose.toml', cwd: '/nonexistent-hostile', ...options });
  } catch (error) {
    if (isComposeValidationError(error)) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ComposeValidationError');
}

describe('variable lookups read own properties only', () => {
  const refs = 'environment = { A = "${__proto__:-d}", B = "${constructor:-d}", C = "$toString", D = "${valueOf-d}" }\n';

  it('the env option and the process environment', () => {
    const project = parseProject(BASE + refs, { env: {}, cwd: '/nonexistent-hostile' });
    expect(project.toJSON().services['a']?.environment).toEqual({ A: 'd', B: 'd', C: '', D: 'd' });
  });

  it('.env and env_file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-env-'));
    writeFileSync(join(dir, '.env'), 'FROM_DOTENV=${constructor:-dot}\n');
    writeFileSync(join(dir, 'svc.env'), 'FROM_FILE=${toString:-file}\nRAW=$hasOwnProperty\n');
    const text = `${BASE}env_file = ["svc.env"]\nenvironment = { E = "$FROM_DOTENV", F = "\${isPrototypeOf:-f}" }\n`;
    const project = parseProject(text, { env: {}, cwd: dir });
    expect(project.toJSON().services['a']?.environment).toEqual({ E: 'dot', F: 'f', FROM_FILE: 'file', RAW: '' });
  });
});

describe('interpolation is linear and bounded', () => {
  it('"${A-" × 60,000 + "x" + "}" × 60,000 (300 KB) is a located interpolation issue', () => {
    const deep = `${'${A-'.repeat(60_000)}x${'}'.repeat(60_000)}`;
    const issues = issuesOf(`${BASE}environment = { X = "${deep}" }\n`);
    expect(issues).toEqual([expect.objectContaining({ code: 'interpolation', path: 'services.a.environment.X', line: 4, message: expect.stringContaining('nested more than 64 deep') })]);
  });
});
