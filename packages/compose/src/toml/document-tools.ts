import { ComposeValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { ParsedComposeFile } from '../spec/compose-file.js';
import { interpolate, type VariableLookup } from '../spec/interpolate.js';
import { castInterpolated } from '../spec/interpolation-casts.js';
import { attempt, isRecord, joinPath, type IssueCollector, type SpecIssue } from '../spec/issues.js';
import { parentPath } from '../spec/locate.js';

/** Replaces every string value (not key) of a document by its interpolation; problems become issues. */
export function interpolateAll(value: unknown, lookup: VariableLookup, issues: IssueCollector, onUnset?: (name: string, path: string) => void): unknown {
  // the field path is kept as a stack of segments and only joined when a value has a `$`
  const segments: Array<string | number> = [];
  const pathOf = () => segments.reduce<string>((p, s) => joinPath(p, s), '');
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('$')) return node;
      const path = pathOf();
      const unset = onUnset ? (name: string) => onUnset(name, path) : undefined;
      const text = attempt(issues, path, /^services\.([^.[]+)/.exec(path)?.[1], () => interpolate(node, lookup, path, unset), 'interpolation');
      return text === undefined ? node : castInterpolated(segments, text);
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

/** A file and where its fields are. */
export type Located = Pick<ParsedComposeFile, 'file' | 'locate'>;

export function withPositions(issues: readonly SpecIssue[], parsed: readonly Located[]): ValidationIssue[] {
  // the most precise field any file names; among files naming it, the last (where it was set last)
  const locators = [...parsed].reverse();
  const files = parsed.map((t) => t.file);
  const located: ValidationIssue[] = issues.map((issue) => {
    for (let path: string | undefined = issue.path; path !== undefined; path = parentPath(path)) {
      for (const { file, locate } of locators) {
        const position = locate(path, true);
        if (position) return { ...issue, file, line: position.line, column: position.column };
      }
    }
    return { ...issue, file: parsed[0]?.file };
  });
  // in reading order: by file (merge order), line, column; issues without a position last
  const rank = (i: ValidationIssue) => [files.indexOf(i.file), i.line ?? Number.MAX_SAFE_INTEGER, i.column ?? 0] as const;
  return located.sort((a, b) => {
    const [fa, la, ca] = rank(a);
    const [fb, lb, cb] = rank(b);
    return fa - fb || la - lb || ca - cb;
  });
}


/** Throws a {@link ComposeValidationError} with `issues` located in `files` (the last file naming a field wins). */
export function failLocated(issues: readonly SpecIssue[], files: readonly Located[]): never {
  throw new ComposeValidationError(withPositions(issues, files), { file: files[0]?.file });
}
