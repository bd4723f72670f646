/**
 * Issue 14: COMPOSE_PROJECT_NAME has Docker Compose's meaning — it names the project when no
 * `projectName` (the CLI's `-p`) does, winning over the file's `name`; and a name given from
 * outside is what `${COMPOSE_PROJECT_NAME}` reads inside the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, loadProject, parseProject } from '@selur/compose';

const text = [
  'version = "1.0"',
  'name = "from-file"',
  '[services.api]',
  'image = "api.ctp"',
  'command = ["node", "api.js"]',
  'environment = { DB_NAME = "${COMPOSE_PROJECT_NAME:-none}_db" }',
  '',
].join('\n');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('COMPOSE_PROJECT_NAME (issue 14)', () => {
  it('names the project over the file`s name, and the file reads it', () => {
    const project = parseProject(text, { env: { COMPOSE_PROJECT_NAME: 'ci-7' } });
    expect(project.name).toBe('ci-7');
    expect(project.toJSON().services['api']?.environment['DB_NAME']).toBe('ci-7_db');
  });

  it('an explicit projectName (-p) wins over the variable, and is what ${COMPOSE_PROJECT_NAME} reads', () => {
    const project = parseProject(text, { env: { COMPOSE_PROJECT_NAME: 'ci-7' }, projectName: 'review-3' });
    expect(project.name).toBe('review-3');
    expect(project.toJSON().services['api']?.environment['DB_NAME']).toBe('review-3_db');
  });

  it('without either, the file`s name holds and the variable is unset', () => {
    const project = parseProject(text, { env: { COMPOSE_PROJECT_NAME: '' } });
    expect(project.name).toBe('from-file');
    expect(project.toJSON().services['api']?.environment['DB_NAME']).toBe('none_db');
  });

  it('is read from .env beside the file, as Docker Compose reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'project-name-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'compose.toml'), text);
    writeFileSync(join(dir, '.env'), 'COMPOSE_PROJECT_NAME=from-dotenv\n');
    expect((await loadProject(join(dir, 'compose.toml'), { env: { COMPOSE_PROJECT_NAME: undefined } })).name).toBe('from-dotenv');
  });

  it('an invalid name in the variable is refused by name', () => {
    let error: unknown;
    try {
      parseProject(text, { env: { COMPOSE_PROJECT_NAME: 'Not Valid' } });
    } catch (e) {
      error = e;
    }
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('COMPOSE_PROJECT_NAME');
  });
});
