import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerignoreMatcher } from '@selur/compose';
import { directoryEntries, tarHeader, tarStream, type TarEntry } from './tar.js';

async function collect(entries: Iterable<TarEntry> | AsyncIterable<TarEntry>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tarStream(entries)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'selur-tar-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('tarHeader', () => {
  it('writes a valid ustar header with its checksum', () => {
    const header = tarHeader({ name: 'a.txt', mode: 0o644, size: 5, mtime: 0, typeflag: '0' });
    expect(header.length).toBe(512);
    expect(header.subarray(257, 263).toString('latin1')).toBe('ustar\0');
    const stored = parseInt(header.subarray(148, 154).toString('ascii'), 8);
    const copy = Buffer.from(header);
    copy.fill(0x20, 148, 156);
    expect(stored).toBe(copy.reduce((sum, byte) => sum + byte, 0));
    expect(parseInt(header.subarray(124, 135).toString('ascii'), 8)).toBe(5);
  });
});

describe('tarStream', () => {
  it('produces an archive GNU tar reads back, with long paths, directories and symlinks', async () => {
    const long = `${'dir-'.repeat(30)}/${'f'.repeat(120)}.txt`;
    const archive = await collect([
      { type: 'directory', name: 'sub' },
      { type: 'file', name: 'sub/hello.txt', size: 6, content: () => [Buffer.from('hello\n')] },
      { type: 'file', name: long, size: 3, content: () => [Buffer.from('abc')] },
      { type: 'symlink', name: 'link', target: 'sub/hello.txt' },
      { type: 'file', name: 'empty', size: 0, content: () => [] },
    ]);
    expect(archive.length % 512).toBe(0);
    const file = path.join(dir, 'out.tar');
    await writeFile(file, archive);
    const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['sub/', 'sub/hello.txt', long, 'link', 'empty']);
    const out = path.join(dir, 'extract');
    await mkdir(out);
    execFileSync('tar', ['-xf', file, '-C', out]);
    expect(await readFile(path.join(out, long), 'utf8')).toBe('abc');
    expect(await readFile(path.join(out, 'link'), 'utf8')).toBe('hello\n');
  });

  it('tars a folder, honouring .dockerignore but keeping the Dockerfile', async () => {
    const root = path.join(dir, 'ctx');
    await mkdir(path.join(root, 'node_modules', 'x'), { recursive: true });
    await mkdir(path.join(root, 'src'), { recursive: true });
    await writeFile(path.join(root, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(path.join(root, 'src', 'a.ts'), 'a');
    await writeFile(path.join(root, 'src', 'a.test.ts'), 't');
    await writeFile(path.join(root, 'node_modules', 'x', 'i.js'), 'i');
    await writeFile(path.join(root, '.dockerignore'), 'node_modules\n**/*.test.ts\nDockerfile\n');
    await symlink('src/a.ts', path.join(root, 'alias'));
    const names: string[] = [];
    for await (const entry of directoryEntries(root, { keep: ['Dockerfile'] })) names.push(entry.name);
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'alias', 'src', 'src/a.ts']);
  });

  it('reads `**/` as zero or more whole folders, as Docker does', async () => {
    const root = path.join(dir, 'globstar');
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    await writeFile(path.join(root, 'Dockerfile'), 'FROM scratch\n');
    for (const name of ['foo', 'barfoo', 'root.log', 'a/foo', 'a/b/deep.log', 'a/b/keep.txt']) await writeFile(path.join(root, name), name);
    await writeFile(path.join(root, '.dockerignore'), '**/foo\n**/*.log\n');
    const names: string[] = [];
    for await (const entry of directoryEntries(root, { keep: ['Dockerfile', '.dockerignore'] })) names.push(entry.name);
    // `barfoo` is not `foo` in some folder; `root.log` is a `*.log` in zero folders.
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'a', 'a/b', 'a/b/keep.txt', 'barfoo']);
  });
});

describe('dockerignoreMatcher', () => {
  it('matches globs, folders, exceptions (last match wins) and ignores comments', () => {
    const ignored = dockerignoreMatcher('# comment\n*.log\n!keep.log\nbuild/\n**/tmp\n/secret?.txt\n');
    expect(ignored('app.log')).toBe(true);
    expect(ignored('keep.log')).toBe(false);
    expect(ignored('sub/app.log')).toBe(false);
    expect(ignored('build')).toBe(true);
    expect(ignored('build/out.js')).toBe(true);
    expect(ignored('a/b/tmp/x')).toBe(true);
    expect(ignored('secret1.txt')).toBe(true);
    expect(ignored('src/index.ts')).toBe(false);
  });
});
