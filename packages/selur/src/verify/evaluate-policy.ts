/**
 * Local evaluation of a gatekeeper policy v1 against each service's bundle, without a server.
 *
 * What a `.ctp` bundle offers to evaluate (its `summary.json` attestations):
 * - signers: every CT-SIG-01 signature that the CtDriver verified against a trusted key counts as
 *   `sha256:<fingerprint>` (the form of `allowedSigners`); a signature that could not be checked (key
 *   not in the trust store) or is bad does not count;
 * - predicates: the `predicateType` (or `predicate_type`, `predicate`) field of an attestation, or its
 *   `type` when that is itself a URI;
 * - log operators: the distinct `log_id` (or `logId`, `log_operator`, `logOperator`) values of the
 *   attestations, counted against `logQuorum`.
 * The real `ct` writes only signature attestations today, so a ct bundle has no predicates and no
 * log entries and fails any policy that requires them. Note too that ct's signature covers the
 * manifest hash only, not `summary.json`: predicate and log attestations are not authenticated by it.
 */
import type { CtAttestation, CtDriver, GatekeeperPolicy } from '@selur/compose';
import { nativeCt } from '../ct/native/native-ct.js';
import { parseGatekeeperPolicy } from '../svalinn/gatekeeper-policy.js';
import { composeMessage, lookupBundle, specOf, type BundleLookupOptions, type ProjectBundlesInput } from './project-bundles.js';

/**
 * One service's verdict in a {@link PolicyEvaluation}.
 *
 * @example
 * ```ts
 * for (const s of result.services) if (!s.passed) console.warn(s.service, s.reasons.join('; '));
 * ```
 */
export interface ServicePolicyResult {
  readonly service: string;
  /** The image as written in the compose file. */
  readonly image: string;
  readonly bundle?: string | undefined;
  readonly digest?: string | undefined;
  /** True when every rule of the policy holds. */
  readonly passed: boolean;
  /** Whether the service may run: `passed`, or any result in `permissive` mode. */
  readonly allowed: boolean;
  /** Why it did not pass (in permissive mode these are warnings). Empty when passed. */
  readonly reasons: readonly string[];
  /** Predicate types found in the bundle's attestations. */
  readonly predicates: readonly string[];
  /** Verified signers, as `sha256:<fingerprint>`. */
  readonly signers: readonly string[];
  /** Distinct transparency-log operators found. */
  readonly logOperators: readonly string[];
}

/**
 * What {@link evaluatePolicy} found.
 *
 * @example
 * ```ts
 * const result = await evaluatePolicy(project, policy);
 * if (!result.allowed) throw new Error('policy refuses the project');
 * ```
 */
export interface PolicyEvaluation {
  readonly project: string;
  /** The policy's mode (`strict` when it names none). */
  readonly mode: 'strict' | 'permissive';
  /** True when every service passed. */
  readonly passed: boolean;
  /** True when every service is allowed (always true in permissive mode). */
  readonly allowed: boolean;
  readonly services: readonly ServicePolicyResult[];
}

/**
 * Options of {@link evaluatePolicy}.
 *
 * @example
 * ```ts
 * await evaluatePolicy(project, policy, { ct: nativeCt({ keys: { release: publicKeyHex } }) });
 * ```
 */
export interface EvaluatePolicyOptions extends BundleLookupOptions {
  /** The driver that reads and verifies the bundles. @default nativeCt() */
  readonly ct?: CtDriver | undefined;
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const field = (a: CtAttestation, keys: readonly string[]): string | undefined => {
  const record = a as unknown as Readonly<Record<string, unknown>>;
  for (const key of keys) if (typeof record[key] === 'string' && record[key] !== '') return record[key] as string;
  return undefined;
};

function predicatesOf(attestations: readonly CtAttestation[]): string[] {
  const found = new Set<string>();
  for (const a of attestations) {
    if (a.type === 'signature') continue;
    const predicate = field(a, ['predicateType', 'predicate_type', 'predicate']) ?? (URI.test(a.type) ? a.type : undefined);
    if (predicate !== undefined) found.add(predicate);
  }
  return [...found].sort();
}

function logOperatorsOf(attestations: readonly CtAttestation[]): string[] {
  const found = new Set<string>();
  for (const a of attestations) {
    const id = field(a, ['log_id', 'logId', 'log_operator', 'logOperator']);
    if (id !== undefined) found.add(id);
  }
  return [...found].sort();
}

async function evaluateService(ct: CtDriver, policy: GatekeeperPolicy, mode: 'strict' | 'permissive', service: string, image: string, workingDir: string, options: BundleLookupOptions): Promise<ServicePolicyResult> {
  const empty = { predicates: [], signers: [], logOperators: [] };
  const fail = (reasons: string[], extra: Partial<ServicePolicyResult> = {}): ServicePolicyResult => ({ service, image, ...empty, ...extra, passed: false, allowed: mode === 'permissive', reasons });
  const found = await lookupBundle(ct, image, service, workingDir, options);
  if ('problem' in found) return fail([found.problem]);
  let report;
  let contents;
  try {
    report = await ct.verify(found.bundle, { requireSignature: false });
    contents = await ct.inspect(found.bundle);
  } catch (error) {
    return fail([composeMessage(error)], { bundle: found.bundle });
  }
  const reasons: string[] = report.problems.map((p) => p.message);
  const predicates = predicatesOf(contents.attestations);
  const signers = [...new Set(report.signatures.filter((s) => s.valid === true && s.trusted).map((s) => `sha256:${s.fingerprint}`))].sort();
  const logOperators = logOperatorsOf(contents.attestations);

  const missing = policy.requiredPredicates.filter((p) => !predicates.includes(p));
  if (missing.length > 0) reasons.push(`missing required predicate${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (found: ${predicates.join(', ') || 'none'})`);
  if (!signers.some((s) => policy.allowedSigners.includes(s))) {
    const unchecked = report.signatures
      .filter((s) => s.valid !== true && policy.allowedSigners.includes(`sha256:${s.fingerprint}`))
      .map((s) => `key '${s.keyId}' (sha256:${s.fingerprint}) is allowed but its signature was not verified: ${s.problem ?? 'key not in the trust store'}`);
    reasons.push(`no valid signature by an allowed signer (verified signers: ${signers.join(', ') || 'none'}; allowed: ${policy.allowedSigners.join(', ')})`, ...unchecked);
  }
  if (logOperators.length < policy.logQuorum) {
    reasons.push(`log quorum not met: ${logOperators.length} distinct log operator${logOperators.length === 1 ? '' : 's'} (${logOperators.join(', ') || 'none'}), the policy requires ${policy.logQuorum}`);
  }
  const passed = reasons.length === 0;
  return { service, image, bundle: found.bundle, digest: report.digest, passed, allowed: passed || mode === 'permissive', reasons, predicates, signers, logOperators };
}

/**
 * Evaluates a gatekeeper policy v1 (validated first: an edge policy or a malformed one throws
 * `InvalidPolicyError`) against every service's bundle: required predicates, allowed signers
 * (`sha256:<fingerprint>` of a key that verifiably signed it), log quorum; `strict` mode refuses a
 * failing service, `permissive` allows it and keeps the reasons as warnings.
 *
 * @example
 * ```ts
 * import { loadProject } from '@selur/compose';
 * import { evaluatePolicy } from '@selur/compose-selur';
 * const policy = JSON.parse(await readFile('mvp-policy.json', 'utf8'));
 * const result = await evaluatePolicy(await loadProject('compose.toml'), policy);
 * for (const s of result.services) console.log(s.service, s.passed ? 'pass' : s.reasons.join('; '));
 * ```
 */
export async function evaluatePolicy(project: ProjectBundlesInput, policy: unknown, options: EvaluatePolicyOptions = {}): Promise<PolicyEvaluation> {
  const ct = options.ct ?? nativeCt();
  const checked = parseGatekeeperPolicy(policy);
  const mode = checked.mode ?? 'strict';
  const { spec, workingDir } = specOf(project);
  const services = await Promise.all(
    Object.keys(spec.services)
      .sort()
      .map((service) => evaluateService(ct, checked, mode, service, (spec.services[service] as { image: string }).image, workingDir, options)),
  );
  return { project: spec.name, mode, passed: services.every((s) => s.passed), allowed: services.every((s) => s.allowed), services };
}
