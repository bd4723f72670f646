/** The subset of Docker Engine API shapes the runtime reads and writes. @internal */

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

export interface EngineMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source: string;
  Target: string;
  ReadOnly: boolean;
}

export interface EngineHealthConfig {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Env: string[];
  WorkingDir?: string;
  User?: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Healthcheck?: EngineHealthConfig;
  ExposedPorts: Record<string, Record<string, never>>;
  Tty: false;
  OpenStdin: false;
  AttachStdout: false;
  AttachStderr: false;
  HostConfig: {
    PortBindings: Record<string, PortBinding[]>;
    RestartPolicy: { Name: string; MaximumRetryCount?: number };
    Mounts: EngineMount[];
    ReadonlyRootfs: boolean;
    NetworkMode?: string;
    Memory?: number;
    MemoryReservation?: number;
    NanoCpus?: number;
    PidsLimit?: number;
    Init?: boolean;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases: string[] }> };
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created?: string;
  RestartCount?: number;
  State: {
    Status?: string;
    Running?: boolean;
    ExitCode?: number;
    Pid?: number;
    StartedAt?: string;
    Health?: { Status?: string; Log?: { ExitCode?: number; Output?: string }[] | null } | null;
  };
  Config: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Tty?: boolean;
    Healthcheck?: EngineHealthConfig | null;
    StopSignal?: string;
  };
  HostConfig?: { PortBindings?: Record<string, PortBinding[] | null> | null };
  NetworkSettings?: { Ports?: Record<string, PortBinding[] | null> | null };
}

export interface NetworkInspect {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
}

export interface VolumeInspect {
  Name: string;
  Labels?: Record<string, string> | null;
}
