import { describe, expect, it } from 'vitest';
import { isComposeValidationError } from '../errors/validation-error.js';
import { isYamlSyntaxError, type YamlSyntaxError } from '../errors/yaml-syntax-error.js';
import { parseYamlFile } from './parse.js';

const syntaxErrorOf = (text: string): YamlSyntaxError => {
  try {
    parseYamlFile(text, 'compose.yaml');
  } catch (error) {
    if (isYamlSyntaxError(error)) return error;
    throw error;
  }
  throw new Error('expected a YamlSyntaxError');
};

describe('parseYamlFile', () => {
  it('reads a compose file, dropping the informative version and filling empty resource entries', () => {
    const parsed = parseYamlFile('version: "3.8"\nservices:\n  api:\n    image: nginx\n    restart: no\n    ports: [80:80, 8080]\nvolumes:\n  data:\nnetworks:\n  front: {}\n');
    expect(parsed.format).toBe('yaml');
    expect(parsed.document).toEqual({ services: { api: { image: 'nginx', restart: 'no', ports: ['80:80', 8080] } }, volumes: { data: {} }, networks: { front: {} } });
    expect(parsed.resets).toEqual([]);
  });

  it('resolves anchors, aliases and merge keys (a map or a list of maps; own keys win, then the first map)', () => {
    const text = [
      'x-base: &base',
      '  restart: always',
      '  environment: &env { A: "1", B: "1" }',
      'x-other: &other',
      '  restart: on-failure',
      '  user: bob',
      'services:',
      '  one:',
      '    <<: *base',
      '    image: a',
      '  two:',
      '    <<: [*other, *base]',
      '    image: b',
      '    environment:',
      '      <<: *env',
      '      B: "2"',
      '  three:',
      '    <<: *base',
      '    restart: "no"',
      '    image: c',
      '    labels: *env',
    ].join('\n');
    const { document } = parseYamlFile(text);
    const services = document['services'] as Record<string, unknown>;
    expect(services['one']).toEqual({ restart: 'always', environment: { A: '1', B: '1' }, image: 'a' });
    expect(services['two']).toEqual({ restart: 'on-failure', user: 'bob', environment: { A: '1', B: '2' }, image: 'b' });
    expect(services['three']).toEqual({ restart: 'no', environment: { A: '1', B: '1' }, image: 'c', labels: { A: '1', B: '1' } });
    expect(document['x-base']).toEqual({ restart: 'always', environment: { A: '1', B: '1' } });
  });

  it('takes !reset and !override as merge tags', () => {
    const parsed = parseYamlFile('services:\n  api:\n    ports: !override ["443:443"]\n    replicas: !override 3\n    name: !override "3"\n    environment: !reset {}\n    user: !reset null\n    volumes: [!reset "a:/a", "b:/b"]\n');
    expect(parsed.document).toEqual({ services: { api: { ports: ['443:443'], replicas: 3, name: '3', volumes: ['b:/b'] } } });
    expect(parsed.resets).toEqual([
      ['services', 'api', 'ports'],
      ['services', 'api', 'replicas'],
      ['services', 'api', 'name'],
      ['services', 'api', 'environment'],
      ['services', 'api', 'user'],
    ]);
  });

  it('reports syntax errors with file, line, column and the offending line', () => {
    const e = syntaxErrorOf('services:\n  api:\n    image: [a,\n  web: {}\n');
    expect(e).toMatchObject({ code: 'E_YAML_SYNTAX', file: 'compose.yaml', line: 4 });
    expect(e.message).toMatch(/^Invalid YAML at compose\.yaml:4:\d+: /);
    const dup = syntaxErrorOf('services:\n  api:\n    image: a\n    image: b\n');
    expect(dup).toMatchObject({ line: 4, column: 5, sourceLine: '    image: b' });
    expect(dup.reason).toContain('unique');
    expect(dup.message).toContain('    image: b\n      ^');
  });

  it('refuses several documents, unknown tags, missing or enclosing anchors and alias bombs', () => {
    expect(syntaxErrorOf('services: {}\n---\nservices: {}\n').reason).toContain('several');
    expect(syntaxErrorOf('services:\n  api: !custom {}\n')).toMatchObject({ line: 2, column: 8, reason: expect.stringContaining('unknown tag !custom') });
    expect(syntaxErrorOf('services:\n  api: *nope\n')).toMatchObject({ line: 2, column: 8, reason: expect.stringContaining('*nope') });
    expect(syntaxErrorOf('a: &x\n  b: *x\n').reason).toContain('contains it');
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 8; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(syntaxErrorOf(bomb).reason).toContain('too many aliases');
  });

  it('an empty file is an empty document; a top level that is not a mapping is a validation error', () => {
    expect(parseYamlFile('# nothing\n').document).toEqual({});
    try {
      parseYamlFile('\n- a\n- b\n', 'compose.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isComposeValidationError(error)).toBe(true);
      expect((error as { issues: unknown[] }).issues[0]).toMatchObject({ file: 'compose.yaml', line: 2, column: 1, code: 'type' });
    }
  });

  it('reads a plain integer with a leading zero as octal, as Docker Compose does (file modes), on both parse paths', () => {
    const plain = 'services:\n  api:\n    secrets:\n      - source: pw\n        mode: 0440\n    labels:\n      a: "0440"\n      b: 08\n      c: 0o440\n';
    const expected = { services: { api: { secrets: [{ source: 'pw', mode: 0o440 }], labels: { a: '0440', b: 8, c: 0o440 } } } };
    expect(parseYamlFile(plain).document).toEqual(expected); // the fast path
    expect(parseYamlFile(`x-anchor: &a 1\n${plain}`).document).toEqual({ 'x-anchor': 1, ...expected }); // the yaml package (an anchor)
  });

  it('strips a byte-order mark', () => {
    expect(parseYamlFile('\ufeffservices: {}\n').document).toEqual({ services: {} });
  });
});

describe('the YAML locator', () => {
  const text = [
    'x-env: &env', // 1
    '  LEVEL: info', // 2
    'x-base: &base', // 3
    '  restart: always', // 4
    '  user: bob', // 5
    'services:', // 6
    '  api:', // 7
    '    <<: *base', // 8
    '    image: "a"', // 9
    '    ports: ["80:80", "x",', // 10
    '      "443:443"]', // 11
    '    depends_on:', // 12
    '      - db', // 13
    '    environment: *env', // 14
    '    "my key": 1', // 15
    '  db: { image: b, healthcheck: { test: x } }', // 16
  ].join('\n');
  const parsed = parseYamlFile(text, 'compose.yaml');

  it.each([
    ['services', 6, 1],
    ['services.api', 7, 3],
    ['services.api.image', 9, 5],
    ['services.api.ports[0]', 10, 13],
    ['services.api.ports[1]', 10, 22],
    ['services.api.ports[2]', 11, 7],
    ['services.api.depends_on[0]', 13, 9],
    ['services.api.depends_on.db', 13, 9],
    ['services.api.restart', 4, 3],
    ['services.api.user', 5, 3],
    ['services.api.environment.LEVEL', 2, 3],
    ['services.api["my key"]', 15, 5],
    ['services.db.healthcheck.test', 16, 34],
  ])('%s is at %d:%d', (path, line, column) => {
    expect(parsed.locate(path)).toEqual({ line, column });
  });

  it('falls back to the closest enclosing field unless exact', () => {
    expect(parsed.locate('services.api.ports[7]')).toEqual({ line: 10, column: 5 });
    expect(parsed.locate('services.api.ports[7]', true)).toBeUndefined();
    expect(parsed.locate('services.nope.image')).toEqual({ line: 6, column: 1 });
    expect(parsed.locate('nope')).toBeUndefined();
  });
});
