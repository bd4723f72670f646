/**
 * @selur/compose — declare, validate, plan, deploy, observe and tear down multi-service stacks.
 *
 * This is the only barrel. Each section below is owned by one area; add exports by name, with
 * `export type` for types. Anything not exported here is private.
 *
 * @packageDocumentation
 */

// --- errors (shared) ---
export { ComposeError, isComposeError } from './errors/compose-error.js';
export type { ErrorContext, ComposeErrorOptions } from './errors/compose-error.js';
export { ComposeValidationError, isComposeValidationError } from './errors/validation-error.js';
export type { ValidationIssue } from './errors/validation-error.js';
export { UnsupportedOperationError, isUnsupportedOperationError } from './errors/unsupported-operation-error.js';
export { InvalidArgumentError, isInvalidArgumentError } from './errors/invalid-argument-error.js';
export { ContainerNotFoundError, isContainerNotFoundError } from './errors/container-not-found-error.js';

// --- spec types (shared) ---
export type {
  DurationString,
  RestartPolicy,
  DependencyCondition,
  DependencyConditionAlias,
  PortProtocol,
  PortSpec,
  VolumeMountSpec,
  DependencySpec,
  EnvironmentValue,
  HealthcheckSpec,
  ResourcesSpec,
  DeploySpec,
  BuildSpec,
  Extensions,
  ServiceSpec,
  VolumeSpec,
  NetworkSpec,
  SecretSpec,
  SvalinnExtension,
  ProjectSpec,
  ProjectSource,
} from './spec/types.js';

// --- wait strategies (shared) ---
export { Wait, DEFAULT_WAIT_TIMEOUT_MS, port, http, log, command, exitZero } from './model/wait.js';
export type { WaitStrategy, PortWait, HttpWait, LogWait, CommandWait, ExitZeroWait, HealthyWait, AllWait } from './model/wait.js';

// --- runtime port (shared) ---
export {
  LABEL_PROJECT,
  LABEL_SERVICE,
  LABEL_REPLICA,
  LABEL_CONFIG_HASH,
  LABEL_NETWORK,
  LABEL_VOLUME,
} from './runtime/types.js';
export type {
  RuntimeCapability,
  ContainerState,
  HealthStatus,
  PublishedPort,
  ContainerInfo,
  SecretSource,
  NetworkRequest,
  VolumeRequest,
  ResourceInfo,
  ContainerRequest,
  StopOptions,
  LogLine,
  LogOptions,
  ExecOptions,
  ExecResult,
  ProbeResult,
  ListOptions,
  Runtime,
} from './runtime/types.js';

// --- foundation: model, loader, validation, graph ---
export { Project } from './project.js';
export type { ProjectModelOptions } from './model/project.js';
export { Service } from './model/service.js';
export type { DependsOnOptions } from './model/service.js';
export { Volume, Network, Secret } from './model/resources.js';
export { loadProject, parseProject } from './load.js';
export type { LoadProjectOptions, ParseProjectOptions } from './load.js';
export type {
  ServiceInput, PortInput, VolumeMountInput, DependencyInput, HealthcheckInput, DeployInput, ResourcesInput, BuildInput,
  DurationInput, EnvironmentInputValue, VolumeInput, NetworkInput, SecretInput,
} from './spec/input.js';
export { TomlSyntaxError, isTomlSyntaxError } from './errors/toml-syntax-error.js';
export { YamlSyntaxError, isYamlSyntaxError } from './errors/yaml-syntax-error.js';
export { findComposeFiles, COMPOSE_FILE_NAMES } from './load.js';
export type { FoundComposeFiles } from './load.js';
export type { ComposeFormat } from './spec/compose-file.js';
export { mergeComposeDocuments } from './spec/merge.js';
export { ComposeFileError, isComposeFileError } from './errors/compose-file-error.js';
export { DependencyCycleError, isDependencyCycleError } from './errors/dependency-cycle-error.js';
export { createGraph } from './graph/dependency-graph.js';
export type { DependencyGraph } from './graph/dependency-graph.js';
export { parseDuration, formatDuration } from './spec/duration.js';
export { parsePort, parsePorts, formatPort } from './spec/port.js';
export { parseVolumeMount } from './spec/mount.js';
export { interpolate } from './spec/interpolate.js';
export type { VariableLookup } from './spec/interpolate.js';
export { isValidProjectName } from './spec/names.js';
export { composeSchema } from './spec/schema.js';
export { validateComposeDocument } from './spec/validate.js';

// --- engine: plan, up, stack, events ---
export { upProject, planUp, downByName, projectEvents } from './engine/up.js';
export type { UpOptions, DownOptions } from './engine/options.js';
export type { DownResult } from './engine/down.js';
export type { Stack, StackService, Endpoint, StackLogLine, StackLogsOptions, StackExecOptions } from './engine/stack-types.js';
export type { ComposeEvent, ComposeEventType, ComposeEventInput, EventListener, EventBase } from './engine/events.js';
export type { EventStreamOptions } from './engine/event-hub.js';
export { TwoStageAbortController } from './engine/two-stage-abort.js';
export { acquireProjectLock } from './engine/lock.js';
export type { ProjectLock, LockOptions } from './engine/lock.js';
export { systemClock } from './engine/clock.js';
export type { EngineClock } from './engine/clock.js';
export { planProject, assertNoChanges } from './plan/make-plan.js';
export type { PlanOptions } from './plan/make-plan.js';
export { planToString } from './plan/plan-to-string.js';
export { diffState } from './plan/diff.js';
export { serviceConfigHash, configFields, hashedConfig, describeFieldChanges, LABEL_CONFIG_FIELDS } from './plan/config-hash.js';
export type { SecretDigests } from './plan/config-hash.js';
export { selectServices } from './plan/select.js';
export type { SelectOptions } from './plan/select.js';
export type { ProjectInput } from './plan/project-input.js';
export type {
  Plan, PlanAction, ReplicaAction, ReplicaPlan, ServicePlan, ResourcePlan, DesiredState, DesiredService, DesiredResource, ObservedState, DiffOptions,
} from './plan/types.js';
export { ServiceFailureError, isServiceFailureError } from './errors/service-failure-error.js';
export type { FailureDiagnostics } from './errors/service-failure-error.js';
export { HealthTimeoutError, isHealthTimeoutError } from './errors/health-timeout-error.js';
export { ServiceExitedError, isServiceExitedError } from './errors/service-exited-error.js';
export { DependencyFailedError, isDependencyFailedError } from './errors/dependency-failed-error.js';
export { PortConflictError, isPortConflictError } from './errors/port-conflict-error.js';
export { CancelledError, isCancelledError } from './errors/cancelled-error.js';
export { ServiceStartError, isServiceStartError } from './errors/service-start-error.js';
export { ProjectLockedError, isProjectLockedError } from './errors/project-locked-error.js';
export { PlanChangesError, isPlanChangesError } from './errors/plan-changes-error.js';
export type { PlannedChange } from './errors/plan-changes-error.js';

// --- process runtime ---
export { processRuntime } from './adapters/process/process-runtime.js';
export type { ProcessRuntime, ProcessRuntimeOptions } from './adapters/process/process-runtime.js';
export { ProcessSpawnError, isProcessSpawnError } from './errors/process-spawn-error.js';
export { MissingCommandError, isMissingCommandError } from './errors/missing-command-error.js';
export { StateFileError, isStateFileError } from './errors/state-file-error.js';

// --- ct driver ---
export { nativeCt } from './adapters/ct/native/native-ct.js';
export type { NativeCtOptions } from './adapters/ct/native/native-ct.js';
export type { BundleLimits } from './adapters/ct/native/bundle.js';
export { ctCli } from './adapters/ct/cli/ct-cli.js';
export type { CtCliOptions } from './adapters/ct/cli/ct-cli.js';
export type {
  CtDriver,
  CtCapability,
  CtAttestation,
  CtSignatureAttestation,
  CtSummary,
  CtMember,
  CtBundleContents,
  CtVerifyOptions,
  CtSignatureCheck,
  CtVerifyProblem,
  CtVerifyReport,
  CtManifestText,
  CtSignWith,
  CtPackOptions,
  CtPackResult,
  CtSignOptions,
  CtPushOptions,
  CtFetchOptions,
} from './adapters/ct/ct-driver.js';
export { BundleError, isBundleError } from './errors/bundle-error.js';
export type { BundleErrorReason, BundleErrorOptions } from './errors/bundle-error.js';
export { CtCommandError, isCtCommandError } from './errors/ct-command-error.js';
export type { CtCommandErrorOptions } from './errors/ct-command-error.js';

// --- svalinn client ---
export { svalinnClient } from './adapters/svalinn/svalinn-http-client.js';
export { DEFAULT_SVALINN_URL } from './adapters/svalinn/svalinn-options.js';
export type {
  SvalinnClient,
  SvalinnClientOptions,
  SvalinnRetryOptions,
  SvalinnCallOptions,
  SvalinnLogEvent,
  SvalinnHealth,
  SvalinnReadiness,
  SvalinnRunApi,
  SvalinnRunRequest,
  SvalinnRunConfig,
  SvalinnHealthcheck,
  SvalinnContainer,
  SvalinnCreateRequest,
  SvalinnImage,
  SvalinnImageVerifyRequest,
  SvalinnVerifyRequest,
  SvalinnVerdict,
  SvalinnPolicies,
  SvalinnMcpTool,
} from './adapters/svalinn/svalinn-client.js';
export { validateGatekeeperPolicy, parseGatekeeperPolicy } from './adapters/svalinn/gatekeeper-policy.js';
export type { GatekeeperPolicy } from './adapters/svalinn/gatekeeper-policy.js';
export { SvalinnError, isSvalinnError } from './errors/svalinn-error.js';
export type { SvalinnErrorContext } from './errors/svalinn-error.js';
export { SvalinnValidationError, isSvalinnValidationError } from './errors/svalinn-validation-error.js';
export type { SvalinnValidationDetail } from './errors/svalinn-validation-error.js';
export { PolicyDeniedError, isPolicyDeniedError } from './errors/policy-denied-error.js';
export { SvalinnUnavailableError, isSvalinnUnavailableError } from './errors/svalinn-unavailable-error.js';
export type { SvalinnUnavailableReason } from './errors/svalinn-unavailable-error.js';
export { SvalinnTimeoutError, isSvalinnTimeoutError } from './errors/svalinn-timeout-error.js';
export { InvalidPolicyError, isInvalidPolicyError } from './errors/invalid-policy-error.js';
export type { PolicyIssue } from './errors/invalid-policy-error.js';

// --- vordr client ---
export { vordrClient } from './adapters/vordr/vordr-http-client.js';
export { VORDR_UNSUPPORTED_OPERATIONS } from './adapters/vordr/vordr-client.js';
export type { VordrClient, VordrClientOptions, VordrCallOptions, VordrUnsupportedOperation } from './adapters/vordr/vordr-client.js';
export type {
  VordrContainerState,
  VordrCreateParams,
  VordrCreateResult,
  VordrStartResult,
  VordrStopResult,
  VordrRemoveResult,
  VordrContainerSummary,
  VordrContainerDetails,
  VordrExecResult,
  VordrImage,
  VordrVerifyResult,
  VordrSubnet,
  VordrNetwork,
  VordrNetworkCreateParams,
  VordrNetworkCreateResult,
  VordrNetworkRemoveResult,
  VordrVolumeInfo,
  VordrVolumeCreateParams,
  VordrVolumeCreateResult,
  VordrVolumeRemoveResult,
  VordrHealth,
  VordrToolInfo,
} from './adapters/vordr/vordr-types.js';
export { VORDR_RESTART_POLICIES } from './adapters/vordr/vordr-config.js';
export type {
  VordrContainerConfig,
  VordrPort,
  VordrPortMapping,
  VordrVolume,
  VordrVolumeMount,
  VordrEnv,
  VordrEnvVar,
  VordrDuration,
  VordrHealthcheck,
  VordrRestartPolicy,
  VordrNetworks,
  VordrNetworkAttachment,
} from './adapters/vordr/vordr-config.js';
export { VordrError, isVordrError } from './errors/vordr-error.js';
export { VordrProtocolError, isVordrProtocolError } from './errors/vordr-protocol-error.js';
export type { VordrProtocolErrorReason } from './errors/vordr-protocol-error.js';
export { VordrUnavailableError, isVordrUnavailableError } from './errors/vordr-unavailable-error.js';
export type { VordrUnavailableReason } from './errors/vordr-unavailable-error.js';

// --- selur runtime ---
export { selurRuntime } from './adapters/selur/selur-runtime.js';
export { selurRuntimeFromEnv } from './adapters/selur/selur-from-env.js';
export type { SelurRuntimeFromEnvOptions } from './adapters/selur/selur-from-env.js';
export type { SelurRuntime, SelurRuntimeOptions, SelurExecOptions } from './adapters/selur/selur-options.js';
export type { BundleResolver } from './adapters/selur/bundle-resolver.js';
export { LABEL_BUNDLE_DIGEST, LABEL_BUNDLE_PATH, LABEL_VORDR_ID } from './adapters/selur/naming.js';
export { verifyProject } from './adapters/selur/verify-project.js';
export type { ProjectVerification, ServiceVerification, VerifyProjectOptions } from './adapters/selur/verify-project.js';
export { evaluatePolicy } from './adapters/selur/evaluate-policy.js';
export type { PolicyEvaluation, ServicePolicyResult } from './adapters/selur/evaluate-policy.js';
export type { ProjectBundlesInput, BundleLookupOptions } from './adapters/selur/project-bundles.js';
export { SecretInEnvironmentError, isSecretInEnvironmentError } from './errors/secret-in-environment-error.js';
export { BundleVerificationError, isBundleVerificationError } from './errors/bundle-verification-error.js';
export { BundleUnavailableError, isBundleUnavailableError } from './errors/bundle-unavailable-error.js';
export type { BundleUnavailableReason } from './errors/bundle-unavailable-error.js';
