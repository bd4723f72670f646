/**
 * @selur/compose-selur — the selur stack for `@selur/compose`: Cerro Torre `.ctp` bundles
 * (`nativeCt`, `ctCli`), the Svalinn gateway and Vörðr clients, the `selurRuntime`, bundle
 * verification (`verifyProject`) and gatekeeper policy evaluation (`evaluatePolicy`).
 *
 * The ports these implement (`CtDriver`, `SvalinnClient`, `VordrClient`, `Runtime`) and their
 * types are the core's: import them from `@selur/compose`. This is the package's only barrel;
 * anything not exported here is private.
 *
 * @packageDocumentation
 */

// --- errors ---
export { BundleError, isBundleError } from './errors/bundle-error.js';
export type { BundleErrorReason, BundleErrorOptions } from './errors/bundle-error.js';
export { CtCommandError, isCtCommandError } from './errors/ct-command-error.js';
export type { CtCommandErrorOptions } from './errors/ct-command-error.js';
export { SvalinnError, isSvalinnError } from './errors/svalinn-error.js';
export type { SvalinnErrorContext } from './errors/svalinn-error.js';
export { SvalinnValidationError, isSvalinnValidationError } from './errors/svalinn-validation-error.js';
export type { SvalinnValidationDetail } from './errors/svalinn-validation-error.js';
export { PolicyDeniedError, isPolicyDeniedError } from './errors/policy-denied-error.js';
export { SvalinnUnavailableError, isSvalinnUnavailableError } from './errors/svalinn-unavailable-error.js';
export type { SvalinnUnavailableReason } from './errors/svalinn-unavailable-error.js';
export { SvalinnTimeoutError, isSvalinnTimeoutError } from './errors/svalinn-timeout-error.js';
export { SvalinnMcpToolError, isSvalinnMcpToolError } from './errors/svalinn-mcp-tool-error.js';
export { SvalinnUpstreamError, isSvalinnUpstreamError } from './errors/svalinn-upstream-error.js';
export type { SvalinnUpstreamDefect } from './errors/svalinn-upstream-error.js';
export { SvalinnRedirectError, isSvalinnRedirectError } from './errors/svalinn-redirect-error.js';
export { SvalinnResponseTooLargeError, isSvalinnResponseTooLargeError } from './errors/svalinn-response-too-large-error.js';
export { InvalidPolicyError, isInvalidPolicyError } from './errors/invalid-policy-error.js';
export type { PolicyIssue } from './errors/invalid-policy-error.js';
export { VordrError, isVordrError } from './errors/vordr-error.js';
export { VordrProtocolError, isVordrProtocolError } from './errors/vordr-protocol-error.js';
export type { VordrProtocolErrorReason } from './errors/vordr-protocol-error.js';
export { VordrUnavailableError, isVordrUnavailableError } from './errors/vordr-unavailable-error.js';
export type { VordrUnavailableReason } from './errors/vordr-unavailable-error.js';
export { BundleVerificationError, isBundleVerificationError } from './errors/bundle-verification-error.js';
export { BundleUnavailableError, isBundleUnavailableError } from './errors/bundle-unavailable-error.js';
export type { BundleUnavailableReason } from './errors/bundle-unavailable-error.js';

// --- ct drivers (the CtDriver port) ---
export { nativeCt } from './ct/native/native-ct.js';
export type { NativeCtOptions } from './ct/native/native-ct.js';
export type { BundleLimits } from './ct/native/bundle.js';
export { ctCli } from './ct/cli/ct-cli.js';
export type { CtCliOptions } from './ct/cli/ct-cli.js';

// --- Svalinn client (the SvalinnClient port) ---
export { svalinnClient } from './svalinn/svalinn-http-client.js';
export { DEFAULT_SVALINN_URL, DEFAULT_SVALINN_UPSTREAM_TIMEOUT, DEFAULT_SVALINN_MAX_RESPONSE_BYTES } from './svalinn/svalinn-options.js';
export type { SvalinnClientOptions, SvalinnRetryOptions, SvalinnLogEvent } from './svalinn/svalinn-client-options.js';
export { validateGatekeeperPolicy, parseGatekeeperPolicy } from './svalinn/gatekeeper-policy.js';

// --- Vörðr client (the VordrClient port) ---
export { vordrClient } from './vordr/vordr-http-client.js';
export type { VordrClientOptions } from './vordr/vordr-options.js';

// --- verification and policy evaluation ---
export { verifyProject } from './verify/verify-project.js';
export type { ProjectVerification, ServiceVerification, VerifyProjectOptions } from './verify/verify-project.js';
export { evaluatePolicy } from './verify/evaluate-policy.js';
export type { PolicyEvaluation, ServicePolicyResult, EvaluatePolicyOptions } from './verify/evaluate-policy.js';
export type { ProjectBundlesInput, BundleLookupOptions } from './verify/project-bundles.js';
export type { BundleResolver } from './verify/bundle-resolver.js';

// --- the selur runtime (the Runtime port) ---
export { selurRuntime } from './runtime/selur-runtime.js';
export { selurRuntimeFromEnv } from './runtime/selur-from-env.js';
export type { SelurRuntimeFromEnvOptions } from './runtime/selur-from-env.js';
export type { SelurRuntime, SelurRuntimeOptions, SelurExecOptions } from './runtime/selur-options.js';
export { LABEL_BUNDLE_DIGEST, LABEL_BUNDLE_PATH, LABEL_VORDR_ID } from './runtime/naming.js';
