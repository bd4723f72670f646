import type { GatekeeperPolicy } from '@selur/compose';
import { InvalidPolicyError, type PolicyIssue } from '../errors/invalid-policy-error.js';

const SIGNER = /^sha256:[a-f0-9]{64}$/;

/** A URI in the sense of JSON Schema's `format: uri`: absolute, with a scheme. */
function isUri(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function checkStrings(value: unknown, field: string, item: (s: string) => boolean, expected: string, issues: PolicyIssue[]): void {
  if (value === undefined) {
    issues.push({ path: field, message: `is required (a non-empty array of ${expected})` });
    return;
  }
  if (!Array.isArray(value)) {
    issues.push({ path: field, message: `must be a non-empty array of ${expected}, got ${describe(value)}` });
    return;
  }
  if (value.length === 0) issues.push({ path: field, message: `must list at least one entry (${expected})` });
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== 'string' || !item(entry)) issues.push({ path: `${field}[${index}]`, message: `must be ${expected}, got ${describe(entry)}` });
  });
}

/**
 * Checks a value against gatekeeper policy v1 and lists every problem (empty when valid). Follows
 * Svalinn's `gatekeeper-policy.v1.json` exactly (extra fields are allowed, as there).
 *
 * @example
 * ```ts
 * const issues = validateGatekeeperPolicy(JSON.parse(text));
 * if (issues.length > 0) console.error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
 * ```
 */
export function validateGatekeeperPolicy(value: unknown): readonly PolicyIssue[] {
  if (!isRecord(value)) return [{ path: '', message: `must be an object, got ${describe(value)}` }];
  const issues: PolicyIssue[] = [];
  if (value['version'] === undefined) issues.push({ path: 'version', message: 'is required and must be the integer 1' });
  else if (value['version'] !== 1) issues.push({ path: 'version', message: `must be the integer 1, got ${describe(value['version'])}` });
  checkStrings(value['requiredPredicates'], 'requiredPredicates', isUri, 'predicate type URIs', issues);
  checkStrings(value['allowedSigners'], 'allowedSigners', (s) => SIGNER.test(s), "key ids of the form 'sha256:<64 lowercase hex>'", issues);
  const quorum = value['logQuorum'];
  if (quorum === undefined) issues.push({ path: 'logQuorum', message: 'is required (an integer ≥ 1)' });
  else if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 1) issues.push({ path: 'logQuorum', message: `must be an integer ≥ 1, got ${describe(quorum)}` });
  const mode = value['mode'];
  if (mode !== undefined && mode !== 'strict' && mode !== 'permissive') issues.push({ path: 'mode', message: `must be 'strict' or 'permissive', got ${describe(mode)}` });
  const notes = value['notes'];
  if (notes !== undefined && typeof notes !== 'string') issues.push({ path: 'notes', message: `must be a string, got ${describe(notes)}` });
  return issues;
}

/** A hint when the value is Svalinn's other policy format (the "edge policy", `version: "1.0"`). */
function edgePolicyHint(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const edgeKeys = ['registries', 'images', 'resources', 'security', 'verification'].filter((k) => k in value);
  if (value['version'] === '1.0' || edgeKeys.length > 0) {
    const name = typeof value['name'] === 'string' ? ` '${value['name']}'` : '';
    return `this looks like an edge policy${name} (version "1.0"${edgeKeys.length > 0 ? `, with ${edgeKeys.join(', ')}` : ''}), a different format; a gatekeeper policy has version 1, requiredPredicates, allowedSigners and logQuorum`;
  }
  return undefined;
}

/**
 * Returns the value typed as a {@link GatekeeperPolicy}, or throws an {@link InvalidPolicyError}
 * naming every problem (and saying so when the value is an edge policy instead).
 *
 * @example
 * ```ts
 * const policy = parseGatekeeperPolicy(JSON.parse(await readFile('mvp-policy.json', 'utf8')));
 * await svalinn.run({ imageName, imageDigest, policy });
 * ```
 */
export function parseGatekeeperPolicy(value: unknown, options: { file?: string } = {}): GatekeeperPolicy {
  const issues = validateGatekeeperPolicy(value);
  if (issues.length > 0) throw new InvalidPolicyError(issues, { hint: edgePolicyHint(value), file: options.file });
  return value as GatekeeperPolicy;
}
