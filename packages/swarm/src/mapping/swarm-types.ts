/** The Swarm objects of the Engine API (1.41) this package writes and reads, as far as it uses them. @internal */

export interface SwarmUpdateConfig {
  Parallelism: number;
  Delay: number;
  FailureAction: 'pause' | 'continue' | 'rollback';
  Monitor: number;
  MaxFailureRatio: number;
  Order: 'stop-first' | 'start-first';
}

export interface SwarmPortConfig {
  Name?: string | undefined;
  Protocol: 'tcp' | 'udp';
  TargetPort: number;
  PublishedPort?: number | undefined;
  PublishMode: 'ingress' | 'host';
}

export interface SwarmFileTarget {
  Name: string;
  UID: string;
  GID: string;
  Mode: number;
}

export interface SwarmMount {
  Type: 'volume' | 'tmpfs';
  Source?: string | undefined;
  Target: string;
  ReadOnly: boolean;
  VolumeOptions?: { NoCopy?: boolean | undefined; Labels?: Record<string, string> | undefined; DriverConfig?: { Name: string; Options: Record<string, string> } | undefined } | undefined;
  TmpfsOptions?: { SizeBytes?: number | undefined; Mode?: number | undefined } | undefined;
}

export interface SwarmContainerSpec {
  Image: string;
  Labels: Record<string, string>;
  Command?: string[] | undefined;
  Args?: string[] | undefined;
  Hostname?: string | undefined;
  Env: string[];
  Dir?: string | undefined;
  User?: string | undefined;
  Init?: boolean | undefined;
  ReadOnly: boolean;
  Mounts: SwarmMount[];
  StopSignal: string;
  StopGracePeriod: number;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number } | undefined;
  Secrets: { File: SwarmFileTarget; SecretID: string; SecretName: string }[];
  Configs: { File: SwarmFileTarget; ConfigID: string; ConfigName: string }[];
  CapabilityAdd?: string[] | undefined;
  CapabilityDrop?: string[] | undefined;
  Sysctls?: Record<string, string> | undefined;
}

export interface SwarmServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: SwarmContainerSpec;
    Resources: {
      Limits?: { NanoCPUs?: number | undefined; MemoryBytes?: number | undefined; Pids?: number | undefined } | undefined;
      Reservations?: { NanoCPUs?: number | undefined; MemoryBytes?: number | undefined } | undefined;
    };
    RestartPolicy?: { Condition: 'none' | 'on-failure' | 'any'; Delay?: number | undefined; MaxAttempts?: number | undefined; Window?: number | undefined } | undefined;
    Placement: {
      Constraints?: string[] | undefined;
      Preferences?: { Spread: { SpreadDescriptor: string } }[] | undefined;
      MaxReplicas?: number | undefined;
    };
    Networks: { Target: string; Aliases: string[] }[];
    ForceUpdate: number;
  };
  Mode: { Replicated: { Replicas: number } } | { Global: Record<string, never> };
  UpdateConfig?: SwarmUpdateConfig | undefined;
  RollbackConfig?: SwarmUpdateConfig | undefined;
  EndpointSpec: { Mode: 'vip' | 'dnsrr'; Ports: SwarmPortConfig[] };
}

export interface SwarmService {
  ID: string;
  Version: { Index: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: SwarmServiceSpec;
  Endpoint?: { Ports?: SwarmPortConfig[] | null } | undefined;
  UpdateStatus?: { State?: string; StartedAt?: string; CompletedAt?: string; Message?: string } | undefined;
}

export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string | undefined;
  Slot?: number | undefined;
  CreatedAt?: string | undefined;
  UpdatedAt?: string | undefined;
  DesiredState: string;
  Labels?: Record<string, string> | null;
  Spec: { ContainerSpec?: { Image?: string; Labels?: Record<string, string> | null } | undefined };
  Status: {
    Timestamp?: string | undefined;
    State: string;
    Message?: string | undefined;
    Err?: string | undefined;
    ContainerStatus?: { ContainerID?: string | undefined; PID?: number | undefined; ExitCode?: number | undefined } | undefined;
    PortStatus?: { Ports?: SwarmPortConfig[] | null } | undefined;
  };
}

export interface SwarmObject {
  ID: string;
  Version: { Index: number };
  Spec: { Name: string; Labels?: Record<string, string> | null };
}
