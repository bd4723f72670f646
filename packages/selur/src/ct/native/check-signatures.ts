import { InvalidArgumentError, type CtMember, type CtSignatureCheck, type CtSummary, type CtVerifyOptions, type CtVerifyProblem, type CtVerifyReport } from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';
import { CT_SIG_SUITE, verifySignature } from './signature.js';
import type { TrustStore } from './trust-store.js';

/** What {@link checkSignatures} adds to a verify report. */
export type SignatureVerdict = Pick<CtVerifyReport, 'ok' | 'signatures' | 'unsignedMembers' | 'problems' | 'warnings'>;

/**
 * The members a CT-SIG-01 signature covers: `manifest.ctp` through the signed manifest hash, and
 * `summary.json`, every field of which is checked (the hash is what is signed, the package must be
 * the manifest's, the attestations are the signatures themselves; only their timestamps are free).
 */
const COVERED: ReadonlySet<string> = new Set(['manifest.ctp', 'summary.json']);

/**
 * Checks every signature attestation of a summary (whose manifest hash is already known to be
 * right) against a trust store, and applies the `requireSignature` policy:
 * - a signature checked against a trusted key and found wrong (or with the wrong fingerprint) fails;
 * - a key the trust store refuses (bad `.pub`, `trust = revoked`, fingerprint differing from `.meta`) fails;
 * - a key the trust store does not know is a warning, unless a signature is required;
 * - with `requireSignature`, at least one valid signature by a trusted key is needed;
 * - every member but `manifest.ctp` and `summary.json` is reported in `unsignedMembers` (the
 *   signature does not cover it); with `requireSignature` each one not named in
 *   `allowUnsignedMembers` fails (`unsigned-member`), without it each is a warning.
 */
export async function checkSignatures(summary: CtSummary, members: readonly Pick<CtMember, 'name'>[], store: TrustStore, options: CtVerifyOptions = {}): Promise<SignatureVerdict> {
  const allowed = allowedMembers(options.allowUnsignedMembers);
  const signatures: CtSignatureCheck[] = [];
  const problems: CtVerifyProblem[] = [];
  const warnings: string[] = [];
  for (const attestation of summary.attestations) {
    if (attestation.type !== 'signature') continue;
    const a = attestation as Readonly<Record<string, string>>;
    const base = { keyId: a['key_id'] ?? '', fingerprint: a['fingerprint'] ?? '', suite: a['suite'] ?? '', timestamp: a['timestamp'] ?? '' };
    if (base.suite !== CT_SIG_SUITE) {
      const problem = `suite '${base.suite}' is not supported (only ${CT_SIG_SUITE})`;
      signatures.push({ ...base, trusted: false, valid: null, problem });
      warnings.push(`signature by '${base.keyId}': ${problem}`);
      continue;
    }
    const found = await store.find(base.keyId);
    if (!found.found) {
      const problem = found.problem ?? `key '${base.keyId}' is not in the trust store`;
      signatures.push({ ...base, trusted: false, valid: null, problem });
      if (found.problem) problems.push({ reason: 'untrusted-key', message: found.problem });
      else warnings.push(`signature by '${base.keyId}' not checked: ${problem}`);
      continue;
    }
    if (found.fingerprint !== base.fingerprint) {
      const problem = `fingerprint ${base.fingerprint} is not that of trusted key '${base.keyId}' (${found.fingerprint})`;
      signatures.push({ ...base, trusted: true, valid: false, problem });
      problems.push({ reason: 'bad-signature', message: problem });
      continue;
    }
    const valid = verifySignature(found.publicHex, summary.manifestSha256, a['signature'] ?? '');
    if (valid) signatures.push({ ...base, trusted: true, valid: true });
    else {
      const problem = `signature by '${base.keyId}' does not match the manifest hash`;
      signatures.push({ ...base, trusted: true, valid: false, problem });
      problems.push({ reason: 'bad-signature', message: problem });
    }
  }
  if (options.requireSignature && problems.length === 0 && !signatures.some((s) => s.trusted && s.valid === true)) {
    problems.push(
      signatures.length === 0
        ? { reason: 'unsigned', message: 'the bundle is not signed and a signature is required' }
        : { reason: 'untrusted-key', message: 'no signature by a trusted key, and a signature is required' },
    );
  }
  const unsignedMembers = members.map((m) => m.name).filter((name) => !COVERED.has(name));
  for (const member of unsignedMembers) {
    if (allowed.has(member)) continue;
    const what = `member '${member}' is not covered by the signature (CT-SIG-01 signs the manifest hash only), so anyone may have added or changed it`;
    if (options.requireSignature) {
      problems.push({ reason: 'unsigned-member', member, message: `${what}: remove it from the bundle, or allow it by name with allowUnsignedMembers if you check it by other means` });
    } else warnings.push(what);
  }
  return { ok: problems.length === 0, signatures, unsignedMembers, problems, warnings };
}

function allowedMembers(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
    throw new InvalidArgumentError('verify: allowUnsignedMembers must be an array of member names such as ["src/main.c"]', { field: 'allowUnsignedMembers' });
  }
  return new Set(value as string[]);
}

/** Throws the first problem of a failed report as a {@link BundleError} when asked to. */
export function throwIfAsked(report: CtVerifyReport, options: CtVerifyOptions | undefined): CtVerifyReport {
  const first = report.problems[0];
  if (options?.throwOnFailure && first) {
    throw new BundleError(first.reason, first.message, { bundle: report.path, member: first.member ?? 'summary.json' });
  }
  return report;
}
