import { projectToDocument } from './document.js';
import type { ValidationIssue } from '../errors/validation-error.js';
import { IssueCollector, type SpecIssue } from './issues.js';
import { normalizeProject } from './normalize-project.js';
import { schemaIssues } from './schema-validator.js';
import { semanticIssues } from './semantic.js';
import type { ProjectSpec } from './types.js';

const related = (a: string, b: string) =>
  a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);

/**
 * Combines issues from the normaliser (precise value-grammar messages) with the schema's: a
 * schema issue is dropped when the normaliser already reported the same field or one inside or
 * around it, so each problem is reported once.
 */
export function mergeIssues(primary: readonly SpecIssue[], secondary: readonly SpecIssue[]): SpecIssue[] {
  const out = [...primary];
  for (const issue of secondary) if (!primary.some((p) => related(p.path, issue.path))) out.push(issue);
  return out;
}

/**
 * Every problem of a canonical spec: the schema (on its compose document) and the semantic rules.
 */
export function specIssues(spec: ProjectSpec): SpecIssue[] {
  return mergeIssues(semanticIssues(spec), schemaIssues(projectToDocument(spec)));
}

/**
 * Checks a compose document (what compose.toml parses to, before interpolation or after) against
 * the schema and every rule, without building a project. Returns the problems; empty means valid.
 * For tools (editors, linters) that want issues rather than an exception.
 *
 * @example
 * ```ts
 * import { parse } from 'smol-toml';
 * for (const issue of validateComposeDocument(parse(text))) console.log(issue.path, issue.message);
 * ```
 */
export function validateComposeDocument(document: unknown): ValidationIssue[] {
  const collector = new IssueCollector();
  const spec = normalizeProject({ sink: collector }, document, 'default');
  return mergeIssues(mergeIssues(collector.issues, semanticIssues(spec)), schemaIssues(document));
}
