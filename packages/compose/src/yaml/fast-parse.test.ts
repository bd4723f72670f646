import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isYamlSyntaxError } from '../errors/yaml-syntax-error.js';
import { fastParseYaml } from './fast-parse.js';
import { COMPOSE_YAML_OPTIONS, parseYamlFile } from './parse.js';

/** What the `yaml` package (the full parser, as parseYamlFile calls it) makes of a text, or 'error'. */
function full(text: string): unknown {
  const doc = parseDocument(text, COMPOSE_YAML_OPTIONS);
  if (doc.errors.length > 0) return 'error';
  try {
    return doc.toJS({ maxAliasCount: 10_000 }) ?? {};
  } catch {
    return 'error';
  }
}

/** The fast path may decline (undefined); when it answers, the answer is the full parser's, exactly. */
function expectSameAsFull(text: string): void {
  const fast = fastParseYaml(text);
  if (fast === undefined) return;
  const reference = full(text);
  expect(reference, `the full parser refuses what the fast path read:\n${text}`).not.toBe('error');
  expect(fast, text).toEqual(reference);
  // toEqual treats -0 and 0, NaN… as equal; Object.is does not
  expect(JSON.stringify(fast, (_k, v: unknown) => (typeof v === 'number' ? `${Object.is(v, -0) ? '-0' : String(v)}` : v))).toBe(
    JSON.stringify(reference, (_k, v: unknown) => (typeof v === 'number' ? `${Object.is(v, -0) ? '-0' : String(v)}` : v)),
  );
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const root = new URL('../../', import.meta.url).pathname;

/** A compose.yaml of `n` services shaped like the YAML benchmark's. */
function generateComposeYaml(n: number): string {
  const lines = ['name: bench', 'services:'];
  for (let i = 0; i < n; i++)
    lines.push(
      `  svc-${i}:`,
      `    image: ghcr.io/bench/svc-${i}:v1.2.3.ctp`,
      `    ports: ["${10_000 + i}:8080"]`,
      '    environment:',
      `      SERVICE: svc-${i}`,
      '      WORKERS: "4"',
      '    volumes:',
      `      - ./data/svc-${i}:/data`,
      `    depends_on: [${i > 0 ? `svc-${i - 1}` : ''}]`,
      '    restart: on-failure',
      '    healthcheck:',
      '      test: curl -f http://localhost:8080/health',
      '      interval: 10s',
      '      retries: 5',
    );
  lines.push('volumes:', '  shared:', '    driver: local', '');
  return lines.join('\n');
}

/** Plain scalars whose type the core schema decides (and where the two libraries' defaults differ). */
const SCALARS = [
  '0', '-0', '+1', '12', '007', '0440', '0755', '08', '0o17', '0o8', '0x1F', '0X1F', '-0x1F', '0b101', '1_000', '1.', '.5', '-.5', '+.5', '1.50', '1e3', '1E-3', '-1.2e+3', '.inf',
  '-.inf', '+.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf', 'true', 'True', 'TRUE', 'tRue', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', 'Null',
  'NULL', 'nUll', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:45', '80:80', '127.0.0.1:8080:80/udp', '1:2:3', '0.0.0.0', '1__0', '0x', '=',
  'a b', 'C:\\path', 'http://x/?a=b', 'echo $$HOME', '${VAR:-x}', 'a#b', 'a #b', "it's", 'é', '123456789012345678901234567890', '9007199254740993',
];

const scalarText = fc.oneof(fc.constantFrom(...SCALARS), fc.constantFrom(...SCALARS).map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`), fc.constantFrom(...SCALARS).map((s) => `'${s.replace(/'/g, "''")}'`));
const key = fc.oneof(fc.constantFrom('image', 'ports', 'a', 'b-c', 'x_y', '80', 'true', 'on', '1.5', '"quoted key"', "'k'", '0o7', 'null', '~'), fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/));

/** A random block-style YAML mapping of scalars, lists (block or flow) and nested mappings. */
const mappingText: fc.Arbitrary<string> = fc.letrec<{ map: string[] }>((tie) => ({
  map: fc
    .array(
      fc.tuple(
        key,
        fc.oneof(
          { depthSize: 'small' },
          scalarText.map((v) => [` ${v}`]),
          fc.array(scalarText, { maxLength: 4 }).map((vs) => [` [${vs.join(', ')}]`]),
          fc.array(scalarText, { minLength: 1, maxLength: 4 }).map((vs) => ['', ...vs.map((v) => `- ${v}`)]),
          fc.constant([' |', '  line one', '  line two', '']),
          fc.constant([' >-', '  folded', '  text']),
          tie('map').map((lines) => (lines.length === 0 ? [' {}'] : ['', ...lines])),
        ),
      ),
      { maxLength: 5 },
    )
    .map((pairs) => {
      const seen = new Set<string>();
      const lines: string[] = [];
      for (const [k, value] of pairs) {
        if (seen.has(k)) continue;
        seen.add(k);
        const [first, ...rest] = value as string[];
        lines.push(`${k}:${first ?? ''}`, ...rest.map((l) => (l === '' ? '' : `  ${l}`)));
      }
      return lines;
    }),
})).map.map((lines) => `${lines.join('\n')}\n`);

describe('fastParseYaml: the same plain object as the yaml package, or no answer', () => {
  it('on every YAML file of the repository (fixtures, vectors, examples)', () => {
    const files = [...yamlFilesUnder(join(root, 'test')), ...yamlFilesUnder(join(root, '../../examples'))];
    expect(files.length).toBeGreaterThan(0);
    let answered = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      expectSameAsFull(text);
      if (fastParseYaml(text) !== undefined) answered++;
    }
    expect(answered).toBeGreaterThan(0);
  });

  it('on a benchmark-shaped file (1,000 services), answering', () => {
    const text = generateComposeYaml(1000);
    expect(fastParseYaml(text)).toBeDefined();
    expectSameAsFull(text);
  });

  it('resolves every core-schema scalar as the yaml package does (not as js-yaml does by default)', () => {
    // flow sequences only for the scalars that flow syntax leaves plain (no comment, brace or comma)
    const text = SCALARS.map((s, i) => `k${i}: ${s}${/^[\w.+~:-]*$/.test(s) ? `\nl${i}: [${s}]` : ''}`).join('\n');
    expect(fastParseYaml(text)).toBeDefined();
    expectSameAsFull(text);
  });

  it('on random mappings of scalars, lists and nested mappings', () => {
    fc.assert(
      fc.property(mappingText, (text) => expectSameAsFull(text)),
      { numRuns: 400 },
    );
  });

  it('on random damage to valid files: never reads what the full parser refuses, never reads it differently', () => {
    const bases = [
      generateComposeYaml(2),
      'services:\n  a:\n    image: "x:1"\n    command: [sh, -c, "echo hi"]\n    environment:\n      A: 1\n      B: \'two\'\n    x: |\n      text\n',
      [
        '# a comment',
        'services:',
        '  web:',
        '    image: nginx:1.25 # trailing',
        '    command:',
        '      - sh',
        '      - -c',
        '      - >-',
        '        folded and',
        '        kept',
        '    entrypoint: "a \\"quoted\\" \\u00e9 \\x41"',
        '    labels:',
        '      com.example: \'it\'\'s\'',
        '      plain: multi word',
        '        continued here',
        '    healthcheck: { test: [CMD, true], interval: 10s }',
        '    environment: {}',
        '    ports:',
        '    - "80:80"',
        '    - 443',
        '    keep: |+',
        '      kept',
        '',
        '    strip: |2-',
        '        indented',
        'volumes:',
        '  data:',
        '',
      ].join('\n'),
    ];
    const damage = fc.tuple(fc.constantFrom(...bases), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ':', ' ', '  ', '-', '\n', '"', "'", '[', ']', '{', '}', ',', '#', '\t', '|', '>', 'a', '\\', '\r', '\u0000', '~', '?', '*', '0', '.', 'null')), { minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(damage, ([base, edits]) => {
        let text = base;
        for (const [at, insert] of edits) {
          const i = at % (text.length + 1);
          text = insert === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + insert + text.slice(i);
        }
        expectSameAsFull(text);
      }),
      { numRuns: Number(process.env['FAST_YAML_RUNS'] ?? 1500) },
    );
  });

  it('keeps __proto__ and constructor keys as data, as the yaml package does', () => {
    const text = '__proto__:\n  polluted: 1\nservices:\n  constructor:\n    image: x\n';
    const fast = fastParseYaml(text);
    expect(fast && Object.keys(fast)).toEqual(['__proto__', 'services']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expectSameAsFull(text);
  });

  it('declines what only the full parser handles: tags, anchors, aliases, merge keys, several documents, duplicate keys', () => {
    for (const text of ['a: !reset []\n', 'a: &x 1\nb: *x\n', 'a:\n  <<: {b: 1}\n', 'a: 1\n---\nb: 2\n', 'a: 1\na: 2\n', '? a\n: 1\n', '[a, b]: 1\n', '~: 1\n', '- a\n'])
      expect(fastParseYaml(text), text).toBeUndefined();
  });

  it('leaves errors to the full parser: the same located error whichever path a file would take', () => {
    try {
      parseYamlFile('services:\n  a:\n    image: x\n    image: y\n', 'compose.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isYamlSyntaxError(error) && [error.line, error.column]).toEqual([4, 5]);
    }
  });

  it('still locates fields (the located Document is built when asked)', () => {
    const parsed = parseYamlFile('services:\n  api:\n    image: nginx\n    ports: ["80:80", "81:81"]\n', 'compose.yaml');
    expect(parsed.locate('services.api.ports[1]', true)).toEqual({ line: 4, column: 22 });
  });
});
