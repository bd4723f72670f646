import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isComposeError, parseProject, Project } from '@selur/compose';

const vectors = new URL('../vectors/compose/', import.meta.url);
const seeds = ['basic.compose.toml', 'parity.compose.toml'].map((n) => readFileSync(fileURLToPath(new URL(n, vectors)), 'utf8'));
const yamlSeeds = seeds.map((t) => parseProject(t, { env: {}, projectName: 'seed' }).toYaml());
seeds.push(new Project('seed').volume('v').service('a', { image: 'a', ports: ['80:80'], healthcheck: { test: 'true' }, volumes: ['v:/v'] }).toToml());

/**
 * The fuzz runs are seeded: a fresh seed per run (printed on failure), or the one in FUZZ_SEED to
 * replay a failure: `FUZZ_SEED=123 pnpm vitest run --project core packages/compose/test/foundation/fuzz.test.ts`.
 */
const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
/** Loader cases run per property below (at least 10,000 in all, bounded to keep CI under ~10 s). */
let loaderCases = 0;

function check<Ts>(property: fc.IProperty<Ts>, numRuns: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns });
  } catch (error) {
    throw new Error(`fuzz failure; replay with FUZZ_SEED=${SEED}\n${(error as Error).message}`, { cause: error });
  }
}

/**
 * Loads `text`; it either loads (and renders) or fails with a ComposeError: a syntax error with
 * its line, or validation issues that are never `internal`. Anything else fails the property.
 */
function loadsOrThrowsTyped(text: string, format: 'toml' | 'yaml' = 'toml'): void {
  loaderCases++;
  try {
    const project = parseProject(text, { file: `fuzz.${format}`, format, env: {}, cwd: '/nonexistent-fuzz-dir', projectName: 'fuzz' });
    if (format === 'toml') project.toToml();
    else project.toYaml();
  } catch (error) {
    if (!isComposeError(error)) throw error;
    const e = error as { code: string; line?: number; issues?: ReadonlyArray<{ code: string; path: string; line?: number }> };
    if (e.code === 'E_TOML_SYNTAX' || e.code === 'E_YAML_SYNTAX') expect(e.line, `${e.code} without a line`).toBeTypeOf('number');
    for (const issue of e.issues ?? []) expect(issue.code, `${issue.path}: an internal issue`).not.toBe('internal');
  }
}

const fragment = fc.constantFrom(
  '[', ']', '{', '}', '"', "'", '"""', '=', '.', ',', '\n', '#', '$', '${', '${X:?', '[[services]]', '[services.x]', 'x = 1', 'image = 5',
  'ports = [1, "a", {}]', 'depends_on = { a = 3 }', 'healthcheck = "x"', '1979-05-27T07:32:00Z', '9999999999999999999999', 'inf', 'nan',
  '\u0000', '\uFFFF', 'true', '[services]', 'volumes = [{}]', 'x-a = {}', 'environment = { K = { secret = 1 } }',
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.oneof(fragment, fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
);

interface Step {
  readonly kind: string;
  readonly at: number;
  readonly piece?: string;
  readonly length?: number;
  readonly other?: number;
}

function mutate(text: string, steps: readonly Step[]): string {
  let out = text;
  for (const step of steps) {
    const at = out.length === 0 ? 0 : step.at % out.length;
    if (step.kind === 'insert') out = out.slice(0, at) + (step.piece ?? '') + out.slice(at);
    else if (step.kind === 'delete') out = out.slice(0, at) + out.slice(at + (step.length ?? 1));
    else {
      const lines = out.split('\n');
      const i = step.at % lines.length;
      if (step.kind === 'dupline') lines.splice(i, 0, lines[i] as string);
      else {
        const j = (step.other ?? 0) % lines.length;
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      }
      out = lines.join('\n');
    }
  }
  return out;
}

describe('hostile but well-defined inputs', () => {
  it('a byte-order mark and CRLF line endings are fine', () => {
    const project = parseProject('\uFEFFversion = "1.0"\r\n[services.a]\r\nimage = "a"\r\n', { env: {} });
    expect(project.serviceNames()).toEqual(['a']);
  });

  it('deep nesting is a typed error, not a crash', () => {
    const deep = `version = "1.0"\n[services.a]\nimage = "a"\nx-d = ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(() => parseProject(deep, { env: {} })).toThrow(expect.objectContaining({ code: expect.stringMatching(/^E_/) }));
  });

  it('__proto__ keys are refused or kept as plain data, never as prototypes', () => {
    expect(() => parseProject('version = "1.0"\n[services.a]\nimage = "a"\nenvironment = { __proto__ = "x" }\n', { env: {} })).toThrow(/__proto__/);
    const project = parseProject('version = "1.0"\n[services.a]\nimage = "a"\nx-a = { __proto__ = { polluted = 1 } }\n', { env: {} });
    const extension = project.toJSON().services['a']?.extensions['x-a'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(extension)).toBe(Object.prototype);
    expect(Object.keys(extension)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('fuzz: only ComposeErrors escape the loader', () => {
  it('random bytes (TOML and YAML)', () => {
    check(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        loadsOrThrowsTyped(Buffer.from(bytes).toString('utf8'));
        loadsOrThrowsTyped(Buffer.from(bytes).toString('latin1'));
        loadsOrThrowsTyped(Buffer.from(bytes).toString('utf8'), 'yaml');
      }),
      2000,
    );
  });

  it('random mutations of valid files (TOML and YAML)', () => {
    check(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, steps) => {
        loadsOrThrowsTyped(mutate(seed, steps));
      }),
      2500,
    );
    check(
      fc.property(fc.constantFrom(...yamlSeeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, steps) => {
        loadsOrThrowsTyped(mutate(seed, steps), 'yaml');
      }),
      500,
    );
  });

  it('hostile fragments: Object.prototype names, nested and huge interpolation, deep nesting', () => {
    const protoName = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'a', 'x-a');
    const interpolation = fc.oneof(
      fc.tuple(fc.oneof(fc.constantFrom('${', '${A-', '${A:-', '${A:?', '${A+', '$', '$$', '}'), protoName.map((n) => '${' + n + ':-d}'), protoName.map((n) => '$' + n)), fc.nat(200)).map(([piece, n]) => piece.repeat(n)),
      fc.nat(120).map((n) => `${'${A-'.repeat(n)}x${'}'.repeat(n)}`),
    );
    const hostileValue = fc.oneof(
      interpolation.map((t) => JSON.stringify(t)),
      fc.nat(120).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      fc.nat(120).map((n) => `${'{ a = '.repeat(n)}1${' }'.repeat(n)}`),
      fc.constantFrom('[]', '""', '"  "', '{}', '[{}]', '1979-05-27T07:32:00Z', 'inf'),
    );
    const field = fc.constantFrom('image', 'command', 'environment', 'depends_on', 'x-a', 'profiles', 'volumes', 'labels', 'networks');
    check(
      fc.property(protoName, fc.array(fc.tuple(fc.oneof(field, protoName), hostileValue), { maxLength: 4 }), fc.constantFrom('services', 'volumes', 'networks', 'secrets'), (name, fields, section) => {
        const body = fields.map(([k, v]) => `${JSON.stringify(k)} = ${v}`).join('\n');
        loadsOrThrowsTyped(`version = "1.0"\n[services.a]\nimage = "a"\n[${section}.${JSON.stringify(name)}]\n${body}\n`);
      }),
      1000,
    );
    expect({}).not.toHaveProperty('polluted');
    expect((Object as unknown as Record<string, unknown>)['image']).toBeUndefined();
  });

  it('ran at least 10,000 loader cases (seed printed on failure, FUZZ_SEED replays)', () => {
    expect(loaderCases).toBeGreaterThanOrEqual(10_000);
  });

  it('random well-formed documents of the wrong shape', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('image', 'ports', 'depends_on', 'healthcheck', 'test', 'interval', 'x-a', 'file', 'external', 'deploy', 'resources', 'limits', 'environment', 'secret', 'volumes', 'networks', 'a'), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('api', 'db', 'x.y'), value, { maxKeys: 3 }), fc.dictionary(fc.constantFrom('v', 'n'), value, { maxKeys: 2 }), (services, other) => {
        for (const spec of [{ version: '1.0', services, volumes: other, secrets: other, networks: other }]) {
          try {
            Project.fromJSON(spec as never).toToml();
          } catch (error) {
            expect(isComposeError(error)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
