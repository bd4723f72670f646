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
  Consistency?: string;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: { NoCopy?: boolean };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** One network attachment (`EndpointsConfig` entry of a create, `EndpointConfig` of a connect). */
export interface EngineEndpoint {
  Aliases: string[];
  /** Legacy links, `CONTAINER:ALIAS`: names this container alone resolves on a user-defined network. */
  Links?: string[];
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
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
  Entrypoint?: string[];
  Hostname?: string;
  Domainname?: string;
  Env: string[];
  WorkingDir?: string;
  User?: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Healthcheck?: EngineHealthConfig;
  ExposedPorts: Record<string, Record<string, never>>;
  Tty: boolean;
  OpenStdin: boolean;
  AttachStdout: false;
  AttachStderr: false;
  HostConfig: {
    PortBindings: Record<string, PortBinding[]>;
    RestartPolicy: { Name: string; MaximumRetryCount?: number };
    Mounts: EngineMount[];
    /** Legacy links, `CONTAINER:ALIAS` (also in the endpoint, as Docker Compose sends them). */
    Links?: string[] | undefined;
    /** Legacy `SOURCE:TARGET[:OPTIONS]` binds: the engine creates a missing source and applies SELinux labels. */
    Binds?: string[];
    ReadonlyRootfs: boolean;
    NetworkMode?: string;
    Memory?: number;
    MemoryReservation?: number;
    NanoCpus?: number;
    PidsLimit?: number;
    MemorySwap?: number;
    CpuShares?: number;
    Init?: boolean;
    CapAdd?: string[];
    CapDrop?: string[];
    Privileged?: boolean;
    SecurityOpt?: string[];
    Sysctls?: Record<string, string>;
    Ulimits?: { Name: string; Soft: number; Hard: number }[];
    Tmpfs?: Record<string, string>;
    ShmSize?: number;
    ExtraHosts?: string[];
    Dns?: string[];
    DnsSearch?: string[];
    DnsOptions?: string[];
    Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
    PidMode?: string;
    IpcMode?: string;
    LogConfig?: { Type: string; Config: Record<string, string> };
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, EngineEndpoint> };
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

/** One entry of `GET /containers/json` (Docker and Podman alike), as far as it is read here. */
export interface ContainerSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  /** Unix seconds. */
  Created?: number;
  Labels?: Record<string, string> | null;
  /** `running`, `exited`, … */
  State?: string;
  /** `Up 5 seconds (healthy)`, `Exited (3) 2 seconds ago`, … */
  Status?: string;
  Ports?: { IP?: string; PrivatePort?: number; PublicPort?: number; Type?: string }[] | null;
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
