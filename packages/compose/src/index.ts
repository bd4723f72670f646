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
export { UnsupportedFieldError, isUnsupportedFieldError } from './errors/unsupported-field-error.js';
export type { UnsupportedFieldUse } from './errors/unsupported-field-error.js';
export { InvalidArgumentError, isInvalidArgumentError } from './errors/invalid-argument-error.js';
export { ContainerNotFoundError, isContainerNotFoundError } from './errors/container-not-found-error.js';
export { REDACTED, secretRedactor } from './errors/redact.js';
export type { Redactor } from './errors/redact.js';

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
  ConfigSpec,
  FileObjectSpec,
  ServiceFileRef,
  ServiceNetworkSpec,
  UpdateConfigSpec,
  PlacementSpec,
  DeployRestartPolicySpec,
  UlimitSpec,
  LoggingSpec,
  HookSpec,
  WatchSpec,
  IpamSpec,
  IpamPoolSpec,
  SvalinnExtension,
  ProjectSpec,
  ProjectSource,
} from './spec/types.js';
export { COMPOSE_FIELDS, serviceFieldsInUse, projectFieldsInUse } from './spec/fields-in-use.js';
export type { ComposeField } from './spec/fields-in-use.js';

// --- wait strategies (shared) ---
export { Wait } from './model/wait.js';
export type { WaitStrategy, PortWait, HttpWait, LogWait, CommandWait, ExitZeroWait, HealthyWait, NoWait, AllWait } from './model/wait.js';

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
  HostPortClaim,
  HostPortConflict,
  PortListener,
  SecretSource,
  ConfigSource,
  NetworkRequest,
  VolumeRequest,
  ResourceInfo,
  ContainerRequest,
  ServiceRequest,
  FileSync,
  BuildRequest,
  StopOptions,
  LogLine,
  LogOptions,
  ExecOptions,
  ExecResult,
  ProbeResult,
  ListOptions,
  ProjectSummary,
  Runtime,
} from './runtime/types.js';

// --- foundation: model, loader, validation, graph ---
export { Project } from './project.js';
export type { ProjectModelOptions } from './model/project.js';
export { Service } from './model/service.js';
export type { DependsOnOptions } from './model/service.js';
export { Volume, Network, Secret, Config } from './model/resources.js';
export { loadProject, parseProject } from './load.js';
export type { LoadProjectOptions, ParseProjectOptions } from './load.js';
export type {
  ServiceInput, PortInput, VolumeMountInput, DependencyInput, HealthcheckInput, DeployInput, ResourcesInput, BuildInput,
  DurationInput, EnvironmentInputValue, VolumeInput, NetworkInput, SecretInput, ConfigInput, FileRefInput, HookInput, StringMapInput,
  UpdateConfigInput, IpamPoolInput,
} from './spec/input.js';
export { TomlSyntaxError, isTomlSyntaxError } from './errors/toml-syntax-error.js';
export { YamlSyntaxError, isYamlSyntaxError } from './errors/yaml-syntax-error.js';
export { findComposeFiles, COMPOSE_FILE_NAMES } from './load.js';
export type { FoundComposeFiles } from './load.js';
export type { ComposeFormat } from './spec/compose-file.js';
export { ComposeFileError, isComposeFileError } from './errors/compose-file-error.js';
export { DependencyCycleError, isDependencyCycleError } from './errors/dependency-cycle-error.js';
export { createGraph } from './graph/dependency-graph.js';
export type { DependencyGraph } from './graph/dependency-graph.js';
export { parseDuration } from './spec/duration.js';
export { MAX_INTERPOLATION_DEPTH, MAX_INTERPOLATION_LENGTH } from './spec/interpolate.js';
export { MAX_NESTING_DEPTH } from './spec/plain-data.js';
export { parseDotenv } from './toml/dotenv.js';
export type { DotenvOptions } from './toml/dotenv.js';
export { composeSchema } from './spec/schema.js';

// --- engine: plan, up, stack, events ---
export type { UpOptions, DownOptions } from './engine/options.js';
export type { DownResult } from './engine/down.js';
export type { Stack, StackContainer, StackService, Endpoint, StackLogLine, StackLogsOptions, StackExecOptions, WatchOptions } from './engine/stack-types.js';
export type { ComposeEvent, ComposeEventType, EventListener, EventBase, WatchEventFields } from './engine/events.js';
export type { EventStreamOptions } from './engine/event-hub.js';
export { projectSecretRedactor } from './engine/redact.js';
export { TwoStageAbortController } from './engine/two-stage-abort.js';
export type { PlanOptions } from './plan/make-plan.js';
export { planToString, rolloutToString } from './plan/plan-to-string.js';
export type { SelectOptions } from './plan/select.js';
export type { ProjectInput } from './plan/project-input.js';
export type { Plan, PlanAction, ReplicaAction, ReplicaPlan, ServicePlan, ResourcePlan, RolloutPlan } from './plan/types.js';
export { ServiceFailureError, isServiceFailureError } from './errors/service-failure-error.js';
export type { FailureDiagnostics } from './errors/service-failure-error.js';
export { HealthTimeoutError, isHealthTimeoutError } from './errors/health-timeout-error.js';
export { ServiceExitedError, isServiceExitedError } from './errors/service-exited-error.js';
export { DependencyFailedError, isDependencyFailedError } from './errors/dependency-failed-error.js';
export { PortConflictError, isPortConflictError } from './errors/port-conflict-error.js';
export { CancelledError, isCancelledError } from './errors/cancelled-error.js';
export { ServiceStartError, isServiceStartError } from './errors/service-start-error.js';
export { RolloutFailedError, isRolloutFailedError, type RolloutFailureDetails } from './errors/rollout-failed-error.js';
export { ProjectLockedError, isProjectLockedError } from './errors/project-locked-error.js';
export { ProjectInUseError, isProjectInUseError } from './errors/project-in-use-error.js';
export { PlanChangesError, isPlanChangesError } from './errors/plan-changes-error.js';
export { WatchConfigError, isWatchConfigError } from './errors/watch-config-error.js';
export { WatchActionError, isWatchActionError, type WatchAction } from './errors/watch-action-error.js';
export type { PlannedChange } from './errors/plan-changes-error.js';

// --- process runtime ---
export { processRuntime } from './adapters/process/process-runtime.js';
export type { ProcessRuntime, ProcessRuntimeOptions } from './adapters/process/process-runtime.js';
export { ProcessSpawnError, isProcessSpawnError } from './errors/process-spawn-error.js';
export { MissingCommandError, isMissingCommandError } from './errors/missing-command-error.js';
export { ProcessUserError, isProcessUserError, type ProcessUserProblem, type UnreachableMount } from './errors/process-user-error.js';
export { StateFileError, isStateFileError } from './errors/state-file-error.js';

// --- adapter ports: what an adapter of the selur stack implements (implementations: @selur/compose-selur) ---
export { resolveSecretEnvironment } from './runtime/secret-environment.js';
export { hostPortBindError } from './runtime/host-port-bind.js';
export { dockerignoreMatcher } from './engine/watch/patterns.js';
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
} from './runtime/ct-driver.js';
export type {
  SvalinnClient,
  SvalinnCallOptions,
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
  SvalinnPolicyEvaluation,
  SvalinnRunResult,
  SvalinnMcpTool,
  SvalinnMcpArguments,
  GatekeeperPolicy,
} from './runtime/svalinn-client.js';
export { VORDR_UNSUPPORTED_OPERATIONS } from './runtime/vordr-client.js';
export type { VordrClient, VordrCallOptions, VordrUnsupportedOperation } from './runtime/vordr-client.js';
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
} from './runtime/vordr-types.js';
export { VORDR_RESTART_POLICIES } from './runtime/vordr-config.js';
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
} from './runtime/vordr-config.js';
export { SecretInEnvironmentError, isSecretInEnvironmentError } from './errors/secret-in-environment-error.js';
export { SourceVariableError, isSourceVariableError } from './errors/source-variable-error.js';
