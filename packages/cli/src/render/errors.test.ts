import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComposeError, ComposeValidationError, TomlSyntaxError, UnsupportedOperationError, parseProject } from '@selur/compose';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors/usage-error.js';
import { colors } from './color.js';
import { exitCodeFor, renderError, sourcePointer } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'selur-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plain = colors(false);
const lines: Record<string, string[]> = {};
const readLine = (file: string, line: number) => lines[file]?.[line - 1];

/** A service failure as the engine throws it (fields as in the SDK's ServiceFailureError). */
function serviceFailure(code: string, fields: Record<string, unknown>): ComposeError {
  return Object.assign(new ComposeError(String(fields['reason']), { code, service: fields['service'] as string }), {
    logs: [],
    skipped: [],
    leftRunning: [],
    rolledBack: false,
    ...fields,
  });
}

describe('renderError', () => {
  it('prints every validation issue at file:line:column with the line and a caret (exit 3)', () => {
    lines['/app/compose.toml'] = ['version = "1.0"', '[services.api]', '\tports = ["80:http"]'];
    const error = new ComposeValidationError([
      { code: 'port', path: 'services.api.ports[0]', message: 'container port must be a number', file: '/app/compose.toml', line: 3, column: 12 },
      { code: 'unknown-dependency', path: 'services.api.depends_on', message: "unknown service 'db'" },
    ]);
    const out = renderError(error, { colors: plain, verbose: false, readLine });
    expect(out.exitCode).toBe(3);
    expect(out.text).toBe(
      [
        'error: invalid compose project: 2 problems',
        '/app/compose.toml:3:12: services.api.ports[0]: container port must be a number',
        '  3 | \tports = ["80:http"]',
        '    | \t          ^',
        "services.api.depends_on: unknown service 'db'",
        "hint: fix the file; 'selur-compose config -q' checks it again",
        '',
      ].join('\n'),
    );
  });

  it('points at a TOML syntax error thrown by the real loader (exit 3)', () => {
    const file = join(dir, 'bad.toml');
    const text = 'version = "1.0"\n[services.api\nimage = "x"\n';
    writeFileSync(file, text);
    let thrown: unknown;
    try {
      parseProject(text, { file });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TomlSyntaxError);
    const out = renderError(thrown, { colors: plain, verbose: false });
    expect(out.exitCode).toBe(3);
    const [first, source, caret] = out.text.split('\n');
    expect(first).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: invalid TOML: `));
    expect(source).toBe('  2 | [services.api');
    expect(caret).toMatch(/^ {4}\| +\^$/);
  });

  it('says in one line what the runtime cannot do (exit 4)', () => {
    const out = renderError(new UnsupportedOperationError('process', 'pause', { hint: 'host processes cannot be paused' }), { colors: plain, verbose: true });
    expect(out).toEqual({ text: "error: process does not support 'pause': host processes cannot be paused\n", exitCode: 4 });
  });

  it('shows the diagnostics of a failed service and exits with its code for up', () => {
    const error = serviceFailure('E_SERVICE_EXITED', {
      service: 'api',
      reason: 'exited with code 3 before it was ready',
      exitCode: 3,
      logs: ['booting', 'Error: cannot connect to db'],
      skipped: ['web'],
      rolledBack: true,
    });
    const out = renderError(error, { colors: plain, verbose: false, command: 'up' });
    expect(out.exitCode).toBe(3);
    expect(out.text).toBe(
      [
        'error: api: exited with code 3 before it was ready',
        '  exit code: 3',
        '  not started because of it: web',
        '  everything this run created was removed again',
        '  last log lines of api:',
        '    | booting',
        '    | Error: cannot connect to db',
        "hint: rerun with 'selur-compose up --keep-on-failure' to keep what started for debugging",
        '',
      ].join('\n'),
    );
    const kept = serviceFailure('E_SERVICE_EXITED', { service: 'api', reason: 'exited', leftRunning: ['db'] });
    expect(renderError(kept, { colors: plain, verbose: false }).text).toContain("hint: look at the log lines above and 'selur-compose logs api'\n");
    expect(renderError(error, { colors: plain, verbose: false, command: 'down' }).exitCode).toBe(1);
  });

  it('shows health output for a health timeout', () => {
    const error = serviceFailure('E_HEALTH_TIMEOUT', { service: 'db', reason: 'healthcheck did not pass within 5000 ms', healthOutput: 'connection refused\n' });
    expect(renderError(error, { colors: plain, verbose: false }).text).toContain('  last check output:\n    connection refused\n');
  });

  it('maps interrupts to 130, usage to 2, unknown errors to 1 without a stack trace', () => {
    expect(exitCodeFor(serviceFailure('E_CANCELLED', { reason: 'cancelled' }))).toBe(130);
    expect(exitCodeFor(new UsageError('bad'))).toBe(2);
    const plainError = renderError(new Error('boom'), { colors: plain, verbose: false });
    expect(plainError).toEqual({ text: 'error: boom\n', exitCode: 1 });
    expect(renderError(new Error('boom'), { colors: plain, verbose: true }).text).toMatch(/^error: boom\n\s+at /);
  });

  it('adds the cause chain with --verbose, and says so without it', () => {
    const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = new ComposeError('Svalinn did not answer', { code: 'E_SVALINN_TIMEOUT', cause: root });
    const quiet = renderError(error, { colors: plain, verbose: false }).text;
    expect(quiet).toBe('error: Svalinn did not answer\nhint: Svalinn did not answer in time; check SVALINN_URL and its health\n(run with --verbose for the cause)\n');
    const verbose = renderError(error, { colors: plain, verbose: true }).text;
    expect(verbose).toContain('caused by: Error [ECONNREFUSED]: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('tells the usage error which help to read', () => {
    expect(renderError(new UsageError('missing SERVICE', 'exec'), { colors: plain, verbose: false }).text).toBe(
      "error: missing SERVICE\nRun 'selur-compose exec --help' for usage.\n",
    );
  });
});

describe('sourcePointer', () => {
  it('colours nothing when colours are off and puts the caret under the column', () => {
    expect(sourcePointer('image = 1', 12, 9, plain)).toEqual(['  12 | image = 1', '     |         ^']);
  });
});
