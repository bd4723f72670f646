import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as AjvModule from 'ajv';
import { isRecord, joinPath, type SpecIssue } from './issues.js';
import { composeSchema } from './schema.js';
import { show } from './show.js';
import { closestName } from './suggest.js';
import { VALIDATOR_OPTIONS } from './validator-options.js';

let compiled: ValidateFunction | undefined;
let origin: 'precompiled' | 'compiled' | undefined;

/**
 * The schema validator, made once at first use. Normally the one compiled ahead of time
 * (`compose-validator.cjs`, written by `node scripts/gen-validator.mjs` with ajv's standalone
 * code generation, from this schema and {@link VALIDATOR_OPTIONS}; a test keeps it up to date):
 * loading it takes a few milliseconds where compiling the schema took ~100-300 ms of every CLI
 * command that reads a project. It sits beside this module: in `src/spec/` when run from source,
 * in `dist/` beside the bundle (tsup.config.ts copies it; the CommonJS build gets
 * `import.meta.url` from tsup's shims). Where it cannot be loaded (a bundler that left it
 * behind), the schema is compiled here, as before, with the same options: the same errors.
 * Synchronous (a `require`), because `parseProject` is.
 */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const require = createRequire(import.meta.url);
    try {
      compiled = require('./compose-validator.cjs') as ValidateFunction;
      origin = 'precompiled';
    } catch {
      const { Ajv } = require('ajv') as typeof AjvModule;
      compiled = new Ajv(VALIDATOR_OPTIONS).compile(composeSchema);
      origin = 'compiled';
    }
  }
  return compiled;
}

/**
 * What tells this validator from another (for a memo of the documents it passed: see
 * schema-memo.ts), without loading it: the precompiled validator's path, size and modification
 * time. Undefined when there is no such file (the schema would be compiled here).
 */
export function validatorIdentity(): string | undefined {
  try {
    // the path `validator()` requires (a relative file name: no resolving to do)
    const file = fileURLToPath(new URL('./compose-validator.cjs', import.meta.url));
    const stat = statSync(file);
    return `${file}\0${stat.size}\0${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** @internal Which validator {@link schemaIssues} uses (made at first use): for tests. */
export function validatorOrigin(): 'precompiled' | 'compiled' {
  validator();
  return origin as 'precompiled' | 'compiled';
}

/** Turns a JSON pointer into a field path, using the document to tell array indexes from keys. */
function toPath(document: unknown, pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path = joinPath(path, Number(key));
      node = node[Number(key)];
    } else {
      path = joinPath(path, key);
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return path;
}

const serviceOf = (path: string) => /^services\.([^.[]+)/.exec(path)?.[1];

function describe(error: ErrorObject): { extra?: string; message: string; code: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { extra: String(params['missingProperty']), message: `missing required field '${String(params['missingProperty'])}'`, code: 'missing-field' };
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const properties = isRecord(error.parentSchema) && isRecord(error.parentSchema['properties']) ? Object.keys(error.parentSchema['properties']) : [];
      const suggestion = closestName(key, properties);
      const hint = suggestion === undefined ? '' : `; did you mean '${suggestion}'?`;
      return { extra: key, message: `unknown field '${key}'${hint} (extension fields must start with "x-")`, code: 'unknown-field' };
    }
    case 'type':
      return { message: `must be ${String(params['type']).replace(/,/g, ' or ')}, received ${show(error.data)}`, code: 'type' };
    case 'const':
      return { message: `must be ${show(params['allowedValue'])}, received ${show(error.data)}`, code: 'invalid-value' };
    case 'enum':
      return { message: `must be one of ${(params['allowedValues'] as unknown[]).map(show).join(', ')}, received ${show(error.data)}`, code: 'invalid-value' };
    case 'pattern': {
      const description = isRecord(error.parentSchema) && typeof error.parentSchema['description'] === 'string' ? ` (expected ${error.parentSchema['description']})` : '';
      return { message: `${show(error.data)} is not in the expected format${description}`, code: 'invalid-value' };
    }
    case 'propertyNames':
      return { message: `'${String(params['propertyName'])}' is not a valid name (letters, digits, '.', '-', '_'; starting with a letter or digit)`, code: 'invalid-name' };
    default:
      return { message: `${error.message ?? 'is invalid'}`, code: 'schema' };
  }
}

/**
 * Checks a compose document (the TOML-shaped object) against {@link composeSchema} and returns
 * every problem as an issue with a field path. Alternatives (`anyOf`) are reported by the branch
 * that came closest, not as a list of every branch's failure.
 */
export function schemaIssues(document: unknown): SpecIssue[] {
  const validate = validator();
  if (validate(document)) return [];
  const errors = validate.errors ?? [];
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const inBranch = (e: ErrorObject, a: ErrorObject) => e !== a && e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath.startsWith(a.instancePath);
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword === 'propertyNames' || (error.keyword === 'pattern' && errors.some((e) => e.keyword === 'propertyNames' && error.schemaPath.startsWith(e.schemaPath)))) {
      if (error.keyword === 'propertyNames') kept.push(error);
      continue;
    }
    const owner = anyOfs.find((a) => inBranch(error, a));
    if (owner) {
      // keep a branch error only when its branch matched the value's type (a "near miss")
      const siblings = errors.filter((e) => inBranch(e, owner));
      const nearMiss = siblings.filter((e) => e.keyword !== 'type' || e.instancePath !== owner.instancePath);
      if (nearMiss.length > 0 && nearMiss.includes(error) && !(error.keyword === 'anyOf')) kept.push(error);
      continue;
    }
    if (error.keyword === 'anyOf') {
      const siblings = errors.filter((e) => inBranch(e, error));
      if (siblings.some((e) => e.keyword !== 'type' || e.instancePath !== error.instancePath)) continue;
      const types = [...new Set(siblings.map((e) => String((e.params as Record<string, unknown>)['type'])))].join(' or ');
      kept.push({ ...error, keyword: 'type', params: { type: types } });
      continue;
    }
    kept.push(error);
  }
  const seen = new Set<string>();
  const issues: SpecIssue[] = [];
  for (const error of kept) {
    const { extra, message, code } = describe(error);
    let path = toPath(document, error.instancePath);
    if (extra !== undefined) path = joinPath(path, extra);
    if (error.keyword === 'propertyNames') path = joinPath(path, String((error.params as Record<string, unknown>)['propertyName']));
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ code, path, message, service: serviceOf(path) });
  }
  return issues;
}

/** Compiles the schema now (to move its one-off cost out of a timed path, e.g. a benchmark). */
export function warmSchema(): void {
  validator();
}
