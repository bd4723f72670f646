import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isComposeError } from '../errors/compose-error.js';
import { ComposeValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { ComposeFormat, ParsedComposeFile } from '../spec/compose-file.js';
import { interpolate, type VariableLookup } from '../spec/interpolate.js';
import { IssueCollector } from '../spec/issues.js';
import { depthIssues } from '../spec/plain-data.js';
import { sortRecord } from '../spec/normalize-helpers.js';
import { normalizeProject } from '../spec/normalize-project.js';
import { memoizedSchemaIssues } from '../spec/schema-memo.js';
import { semanticIssues } from '../spec/semantic.js';
import type { EnvironmentValue, ProjectSpec, ServiceSpec } from '../spec/types.js';
import { mergeComposeFiles } from '../spec/merge.js';
import { mergeIssues } from '../spec/validate.js';
import { parseDotenv } from './dotenv.js';
import { createLocator, type Locator } from './locator.js';
import { parseTomlFile } from './parse.js';
import { interpolateAll, withPositions, type Located } from './document-tools.js';
import { resolveComposeFiles, usesExtendsOrInclude } from './extends-include.js';

/** One compose text and the file it came from. */
export interface ComposeText {
  readonly text: string;
  readonly file?: string | undefined;
  /** @default by the file's extension (`.yaml`/`.yml`: yaml), else toml */
  readonly format?: ComposeFormat | undefined;
}

/** Parses one compose text (the loader passes one that knows every format). */
export type ComposeTextParser = (text: ComposeText) => ParsedComposeFile;

const parseTomlText: ComposeTextParser = (t) => parseTomlFile(t.text, t.file);

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
  /** Parses each text. @default TOML */
  readonly parse?: ComposeTextParser | undefined;
  /** Receives the warnings (located): each unset variable used bare. */
  readonly warnings?: ValidationIssue[] | undefined;
  /** A file remembering the documents that passed the schema (spec/schema-memo.ts). @default none: always checked */
  readonly schemaCache?: string | undefined;
}

/** Variables the runtimes set in a service's environment themselves: `$PORT` in the file is read too early. */
const RUNTIME_VARIABLE = /^PORT(_\d+(_UDP)?)?$/;

/** The warning for a variable used bare that is not set. */
function unsetWarning(name: string, path: string): ValidationIssue {
  const service = /^services\.([^.[]+)/.exec(path)?.[1];
  const hint = RUNTIME_VARIABLE.test(name) && /\.(command|entrypoint|healthcheck|environment)/.test(path)
    ? `; did you mean \`$$${name}\`? The runtime sets ${name} when the service starts, but the file is interpolated before that: \`$$\` keeps the \`$\` for the service's shell`
    : '';
  return { code: 'unset-variable', path, message: `variable ${name} is not set: it became the empty string (set it, or write \${${name}:-default})${hint}`, ...(service ? { service } : {}) };
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

/** Parses each compose text (TOML unless `parse` says otherwise). @throws {@link TomlSyntaxError} (or the parser's syntax error) */
export function parseComposeFiles(texts: readonly ComposeText[], parse: ComposeTextParser = parseTomlText): ParsedComposeFile[] {
  return texts.map(parse);
}

/**
 * Parses compose texts and merges them in order with the Compose merge rules
 * ({@link mergeComposeFiles}). @throws {@link TomlSyntaxError} (or the parser's syntax error)
 */
export function parseComposeTexts(texts: readonly ComposeText[], parse: ComposeTextParser = parseTomlText): Record<string, unknown> {
  return mergeComposeFiles(parseComposeFiles(texts, parse));
}

/**
 * Interpolates, checks and normalises a parsed compose document into a canonical spec. Every
 * problem is collected; when there is any, one {@link ComposeValidationError} carries them all,
 * each with its field path and (where the file gives it) file, line and column. `files` are the
 * parsed files the document was merged from (for positions); by default the texts are read as TOML.
 */
export function specFromDocument(parsed: Record<string, unknown>, input: LoadSpecInput, files?: readonly Located[]): ProjectSpec {
  const issues = new IssueCollector();
  const found: ValidationIssue[] = [];
  const document = interpolateAll(parsed, input.lookup, issues, input.warnings ? (name, path) => void found.push(unsetWarning(name, path)) : undefined) as Record<string, unknown>;
  const normalized = normalizeProject({ sink: issues, lookup: input.lookup }, document, input.fallbackName, input.projectName);
  const spec = applyEnvFiles(normalized, input.workingDir, input.lookup, issues);
  const all = mergeIssues(mergeIssues(issues.issues, semanticIssues(spec)), memoizedSchemaIssues(document, input.schemaCache));
  const located = () =>
    files ??
    input.texts.map((t) => {
      let locator: Locator | undefined;
      return { file: t.file, locate: (path: string, exact?: boolean) => (locator ??= createLocator(t.text)).locate(path, exact) };
    });
  if (all.length > 0) throw new ComposeValidationError(withPositions(all, located()), { file: input.texts[0]?.file });
  if (found.length > 0) input.warnings?.push(...withPositions(found, located()));
  return spec;
}

/**
 * Parses, merges, interpolates, checks and normalises compose texts into a canonical spec.
 *
 * @throws {@link TomlSyntaxError} (or `YamlSyntaxError`) for a file that does not parse; {@link ComposeValidationError} for an invalid project.
 */
export function loadSpec(input: LoadSpecInput): ProjectSpec {
  try {
    const files = parseComposeFiles(input.texts, input.parse);
    // before anything walks the documents recursively: values nested past the limit are located issues
    const deep = files.flatMap((f) => withPositions(depthIssues(f.document), [f]));
    if (deep.length > 0) throw new ComposeValidationError(deep, { file: input.texts[0]?.file });
    if (!usesExtendsOrInclude(files)) return specFromDocument(mergeComposeFiles(files), input, files);
    const parse = input.parse ?? parseTomlText;
    const resolved = resolveComposeFiles(files, { parse: (text, file) => parse({ text, file }), workingDir: input.workingDir, lookup: input.lookup });
    const located = resolved.flatMap((r) => [...r.located, r.parsed]);
    return specFromDocument(
      mergeComposeFiles(resolved.map((r) => r.parsed)),
      input,
      located,
    );
  } catch (error) {
    if (isComposeError(error)) throw error;
    // a bug, not bad input: still a typed error, with the origin attached
    const why = error instanceof RangeError ? 'it is nested too deeply to process' : String(error);
    throw new ComposeValidationError([{ code: 'internal', path: '(file)', message: `could not load the project: ${why}`, file: input.texts[0]?.file }], {
      cause: error,
    });
  }
}
