import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = join(root, 'packages/compose/test/repo/.readme-examples');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The guides: every Markdown file directly in docs/ (the reference pages and architecture have no TypeScript). */
const guides = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => `docs/${f}`);

/** The ```ts blocks of a Markdown file. */
function tsBlocks(file: string): string[] {
  return [...readFileSync(join(root, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

// The README and the guides are the manual: every TypeScript example in them must compile against
// the real API, so they cannot drift from the code. Each block is its own module (top-level await
// allowed); all are checked by one tsc run.
describe('README and guide examples', () => {
  it('every ```ts block typechecks against the public API', () => {
    const sources = ['README.md', ...guides];
    const blocks = sources.flatMap((file) => tsBlocks(file).map((code, i) => ({ file, i, code })));
    expect(tsBlocks('README.md').length).toBeGreaterThanOrEqual(4);
    mkdirSync(dir, { recursive: true });
    const files = blocks.map(({ file, i, code }) => {
      const path = join(dir, `${file.replace(/[/.]/g, '_')}-${i + 1}.ts`);
      writeFileSync(path, `${code}\nexport {};\n`);
      return path;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../../../tsconfig.json', compilerOptions: { noEmit: true, baseUrl: '../../../../..' }, include: files.map((f) => f.slice(dir.length + 1)) }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);
});
