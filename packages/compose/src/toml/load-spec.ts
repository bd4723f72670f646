import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isComposeError } from '../errors/compose-error.js';
import { ComposeValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { interpolate, type VariableLookup } from '../spec/interpolate.js';
import { attempt, IssueCollector, isRecord, joinPath, type SpecIssue } from '../spec/issues.js';
import { sortRecord } from '../spec/normalize-helpers.js';
import { normalizeProject } from '../spec/normalize-project.js';
import { schemaIssues } from '../spec/schema-validator.js';
import { semanticIssues } from '../spec/semantic.js';
import type { EnvironmentValue, ProjectSpec, ServiceSpec } from '../spec/types.js';
import { mergeIssues } from '../spec/validate.js';
import { parseDotenv } from './dotenv.js';
import { createLocator, type Locator } from './locator.js';
import { mergeDocuments } from './merge.js';
import { parseToml } from './parse.js';

/** One compose text and the file it came from. */
export interface ComposeText {
  readonly text: string;
  readonly file?: string | undefined;
}

/** What {@link loadSpec} needs. */
export interface LoadSpecInput {
  /** The main file first, then override files in merge order. */
  readonly texts: readonly ComposeText[];
  /** Variables for interpolation. */
  readonly lookup: VariableLookup;
  /** Folder that relative `env_file` paths are read from. */
  readonly workingDir: string;
  /** Name used when neither `projectName` nor the file's `name` is given. */
  readonly fallbackName: string;
  /** Overrides the file's `name`. */
  readonly projectName?: string | undefined;
}

/** Replaces every string value (not key) of a document by its interpolation; problems become issues. */
function interpolateAll(value: unknown, lookup: VariableLookup, issues: IssueCollector): unknown {
  // the field path is kept as a stack of segments and only joined when a value has a `$`
  const segments: Array<string | number> = [];
  const pathOf = () => segments.reduce<string>((p, s) => joinPath(p, s), '');
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('$')) return node;
      const path = pathOf();
      return attempt(issues, path, /^services\.([^.[]+)/.exec(path)?.[1], () => interpolate(node, lookup, path), 'interpolation') ?? node;
    }
    if (Array.isArray(node)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string' && !item.includes('$')) continue;
        segments.push(i);
        const next = visit(item);
        segments.pop();
        if (next !== item) (out ??= [...node])[i] = next;
      }
      return out ?? node;
    }
    if (isRecord(node)) {
      let out: Record<string, unknown> | undefined;
      for (const key in node) {
        const item = node[key];
        if (typeof item !== 'object' && (typeof item !== 'string' || !item.includes('$'))) continue;
        segments.push(key);
        const next = visit(item);
        segments.pop();
        if (next !== item) (out ??= { ...node })[key] = next;
      }
      return out ?? node;
    }
    return node;
  };
  return visit(value);
}

/**
 * Reads each service's `env_file`s and merges them under its `environment` (which wins). Their
 * `${VAR}` references read the project's variables, as Docker Compose does.
 */
function applyEnvFiles(spec: ProjectSpec, workingDir: string, lookup: VariableLookup, issues: IssueCollector): ProjectSpec {
  let services: Record<string, ServiceSpec> | undefined;
  for (const [name, service] of Object.entries(spec.services)) {
    if (service.env_file.length === 0) continue;
    const fromFiles: Record<string, EnvironmentValue> = {};
    service.env_file.forEach((file, i) => {
      const full = isAbsolute(file) ? file : resolve(workingDir, file);
      const path = `services.${name}.env_file[${i}]`;
      let text: string;
      try {
        text = readFileSync(full, 'utf8');
      } catch (error) {
        issues.report({
          code: 'env-file',
          path,
          message: `service '${name}': cannot read env_file '${file}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'} at ${full})`,
          service: name,
        });
        return;
      }
      try {
        Object.assign(fromFiles, parseDotenv(text, { lookup }));
      } catch (error) {
        issues.report({ code: 'env-file', path, message: `service '${name}': env_file '${file}' ${(error as Error).message}`, service: name });
      }
    });
    (services ??= { ...spec.services })[name] = { ...service, environment: sortRecord({ ...fromFiles, ...service.environment }) };
  }
  return services ? { ...spec, services } : spec;
}

function withPositions(issues: readonly SpecIssue[], texts: readonly ComposeText[]): ValidationIssue[] {
  const locators: Array<{ file: string | undefined; locator: Locator }> = texts.map((t) => ({ file: t.file, locator: createLocator(t.text) })).reverse();
  const files = texts.map((t) => t.file);
  const located: ValidationIssue[] = issues.map((issue) => {
    for (const { file, locator } of locators) {
      const position = locator.locate(issue.path);
      if (position) return { ...issue, file, line: position.line, column: position.column };
    }
    return { ...issue, file: texts[0]?.file };
  });
  // in reading order: by file (merge order), line, column; issues without a position last
  const rank = (i: ValidationIssue) => [files.indexOf(i.file), i.line ?? Number.MAX_SAFE_INTEGER, i.column ?? 0] as const;
  return located.sort((a, b) => {
    const [fa, la, ca] = rank(a);
    const [fb, lb, cb] = rank(b);
    return fa - fb || la - lb || ca - cb;
  });
}

/** Parses compose texts and merges them in order (tables merged, arrays appended). @throws {@link TomlSyntaxError} */
export function parseComposeTexts(texts: readonly ComposeText[]): Record<string, unknown> {
  let document: Record<string, unknown> = {};
  texts.forEach((t, i) => {
    const parsed = parseToml(t.text, t.file);
    document = i === 0 ? parsed : mergeDocuments(document, parsed);
  });
  return document;
}

/**
 * Interpolates, checks and normalises a parsed compose document into a canonical spec. Every
 * problem is collected; when there is any, one {@link ComposeValidationError} carries them all,
 * each with its field path and (where the TOML gives it) file, line and column.
 */
export function specFromDocument(parsed: Record<string, unknown>, input: LoadSpecInput): ProjectSpec {
  const issues = new IssueCollector();
  const document = interpolateAll(parsed, input.lookup, issues) as Record<string, unknown>;
  const normalized = normalizeProject({ sink: issues }, document, input.fallbackName, input.projectName);
  const spec = applyEnvFiles(normalized, input.workingDir, input.lookup, issues);
  const all = mergeIssues(mergeIssues(issues.issues, semanticIssues(spec)), schemaIssues(document));
  if (all.length > 0) throw new ComposeValidationError(withPositions(all, input.texts), { file: input.texts[0]?.file });
  return spec;
}

/**
 * Parses, merges, interpolates, checks and normalises compose texts into a canonical spec.
 *
 * @throws {@link TomlSyntaxError} for a file that is not TOML; {@link ComposeValidationError} for an invalid project.
 */
export function loadSpec(input: LoadSpecInput): ProjectSpec {
  try {
    return specFromDocument(parseComposeTexts(input.texts), input);
  } catch (error) {
    if (isComposeError(error)) throw error;
    // a bug, not bad input: still a typed error, with the origin attached
    const why = error instanceof RangeError ? 'it is nested too deeply to process' : String(error);
    throw new ComposeValidationError([{ code: 'internal', path: '(file)', message: `could not load the project: ${why}`, file: input.texts[0]?.file }], {
      cause: error,
    });
  }
}
