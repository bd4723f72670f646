/**
 * The JSON Schema (draft-07) of compose.toml, as parsed to a plain object. A superset of the
 * upstream selur-compose format and Svalinn's `compose.v1.json` (top-level `name`, `x-svalinn`),
 * with the Docker Compose additions (long-form `depends_on`, profiles, labels, env_file, …).
 * `x-*` keys are allowed at the top level and in services. Published as
 * `@selur/compose/schema.json` for editors.
 *
 * @example
 * ```ts
 * import { composeSchema } from '@selur/compose';
 * import { Ajv } from 'ajv';
 * const validate = new Ajv({ allErrors: true }).compile(composeSchema);
 * ```
 */
export const composeSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://selur.dev/schemas/compose.toml.json',
  title: 'selur compose file (compose.toml)',
  description: 'Multi-service stack definition for selur-compose and @selur/compose (format 1.0).',
  type: 'object',
  required: ['version', 'services'],
  properties: {
    version: { description: 'Compose file format version.', const: '1.0' },
    name: { description: 'Project name (defaults to the folder name).', type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 63 },
    services: {
      description: 'Services, keyed by name.',
      type: 'object',
      propertyNames: { $ref: '#/definitions/name' },
      additionalProperties: { $ref: '#/definitions/service' },
    },
    volumes: { type: 'object', propertyNames: { $ref: '#/definitions/name' }, additionalProperties: { $ref: '#/definitions/volume' } },
    networks: { type: 'object', propertyNames: { $ref: '#/definitions/name' }, additionalProperties: { $ref: '#/definitions/network' } },
    secrets: { type: 'object', propertyNames: { $ref: '#/definitions/name' }, additionalProperties: { $ref: '#/definitions/secret' } },
    configs: { type: 'object', propertyNames: { $ref: '#/definitions/name' }, additionalProperties: { $ref: '#/definitions/config' } },
    'x-svalinn': {
      description: 'Svalinn edge-shield settings.',
      type: 'object',
      additionalProperties: false,
      properties: {
        policy: { enum: ['strict', 'standard', 'permissive'], description: 'Default edge policy for all services.' },
        verify: { type: 'boolean' },
        attestations: {
          anyOf: [
            { type: 'object', additionalProperties: { type: 'boolean' } },
            { type: 'array', items: { type: 'string' } },
          ],
        },
      },
    },
  },
  patternProperties: { '^x-': {} },
  additionalProperties: false,
  definitions: {
    name: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$', maxLength: 128 },
    duration: {
      description: 'A duration: "30s", "1m30s", "500ms", "2h".',
      type: 'string',
      pattern: '^(0|([0-9]+(\\.[0-9]+)?(ms|us|µs|ns|h|m|s))+)$',
    },
    stringMap: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    stringMapOrPairs: {
      anyOf: [
        { $ref: '#/definitions/stringMap' },
        { type: 'array', items: { type: 'string', pattern: '^[^=]+=' } },
      ],
    },
    stringOrList: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    stringList: { type: 'array', items: { type: 'string' } },
    size: { description: 'A size: bytes, or "512m", "1g".', type: ['string', 'integer'] },
    fileRef: {
      anyOf: [
        { $ref: '#/definitions/name' },
        {
          type: 'object',
          required: ['source'],
          additionalProperties: false,
          properties: {
            source: { $ref: '#/definitions/name' },
            target: { type: 'string' },
            uid: { type: ['string', 'integer'] },
            gid: { type: ['string', 'integer'] },
            mode: { description: 'File mode: 0o440 in TOML, 0440 (octal, as Docker Compose reads it) or 0o440 in YAML, "0440" as a string.', type: ['integer', 'string'] },
          },
        },
      ],
    },
    hook: {
      type: 'object',
      required: ['command'],
      additionalProperties: false,
      properties: {
        command: { $ref: '#/definitions/stringOrList' },
        user: { type: 'string' },
        privileged: { type: 'boolean' },
        working_dir: { type: 'string' },
        environment: { $ref: '#/definitions/stringMapOrPairs' },
      },
    },
    updateConfig: {
      type: 'object',
      additionalProperties: false,
      properties: {
        parallelism: { type: 'integer', minimum: 0, default: 1 },
        delay: { $ref: '#/definitions/duration', default: '0s' },
        order: { enum: ['stop-first', 'start-first'], default: 'stop-first' },
        failure_action: { enum: ['pause', 'continue', 'rollback'], default: 'pause' },
        monitor: { $ref: '#/definitions/duration', default: '0s' },
        max_failure_ratio: { type: 'number', minimum: 0, maximum: 1, default: 0 },
      },
    },
    fileObject: {
      description: 'Exactly one source: file, environment, content (configs only) or external = true.',
      type: 'object',
      additionalProperties: false,
      properties: {
        file: { type: 'string', minLength: 1 },
        environment: { type: 'string', minLength: 1 },
        content: { type: 'string' },
        external: { type: 'boolean' },
        name: { type: 'string' },
      },
    },
    port: {
      anyOf: [
        {
          type: 'string',
          description: '"CONTAINER", "HOST:CONTAINER" or "IP:HOST:CONTAINER[/tcp|udp]"; ports may be ranges ("8000-8002:80-82").',
          pattern: '^((\\[[0-9a-fA-F:.]+\\]|[0-9]{1,3}(\\.[0-9]{1,3}){3}):)?([0-9]{1,5}(-[0-9]{1,5})?:)?[0-9]{1,5}(-[0-9]{1,5})?(/(tcp|udp))?$',
        },
        { type: 'integer', minimum: 1, maximum: 65535 },
        {
          type: 'object',
          required: ['target'],
          additionalProperties: false,
          properties: {
            target: { type: 'integer', minimum: 1, maximum: 65535 },
            published: { type: 'integer', minimum: 0, maximum: 65535 },
            host_ip: { type: 'string' },
            protocol: { enum: ['tcp', 'udp'] },
            mode: { enum: ['host', 'ingress'] },
            name: { type: 'string' },
            app_protocol: { type: 'string' },
          },
        },
      ],
    },
    mount: {
      anyOf: [
        { type: 'string', description: '"SOURCE:TARGET[:OPTIONS]" (ro, rw, z, Z, nocopy, cached, delegated, consistent) or "/TARGET" (an anonymous volume).', pattern: '^([^:]+:/[^:]*(:[a-zA-Z,]+)?|/[^:]*)$' },
        {
          type: 'object',
          required: ['target'],
          additionalProperties: false,
          properties: {
            type: { enum: ['bind', 'volume', 'tmpfs'] },
            source: { type: 'string' },
            target: { type: 'string', pattern: '^/' },
            read_only: { type: 'boolean' },
            bind: {
              type: 'object',
              additionalProperties: false,
              properties: {
                create_host_path: { type: 'boolean' },
                propagation: { enum: ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'] },
                selinux: { enum: ['z', 'Z'] },
              },
            },
            volume: { type: 'object', additionalProperties: false, properties: { nocopy: { type: 'boolean' }, subpath: { type: 'string' } } },
            tmpfs: { type: 'object', additionalProperties: false, properties: { size: { $ref: '#/definitions/size' }, mode: { type: 'integer' } } },
            consistency: { enum: ['consistent', 'cached', 'delegated'] },
          },
        },
      ],
    },
    condition: {
      enum: ['service_started', 'service_healthy', 'service_completed_successfully', 'started', 'healthy', 'completed_successfully'],
    },
    service: {
      description: 'A service: an image, or a build (its image is then named <project>-<service>).',
      type: 'object',
      anyOf: [{ required: ['image'] }, { required: ['build'] }],
      properties: {
        image: { description: 'A .ctp bundle reference or path (or an OCI image for the Docker runtime).', type: 'string', minLength: 1 },
        command: { $ref: '#/definitions/stringOrList' },
        environment: {
          anyOf: [
            {
              type: 'object',
              additionalProperties: {
                anyOf: [
                  { type: ['string', 'number', 'boolean'] },
                  { type: 'object', required: ['secret'], additionalProperties: false, properties: { secret: { type: 'string', minLength: 1 } } },
                  { type: 'null', description: 'No value: taken from the process environment or .env when the file is loaded, left out when unset.' },
                ],
              },
            },
            { type: 'array', items: { type: 'string', pattern: '^([^=]+=|[A-Za-z_][A-Za-z0-9_.-]*$)' } },
          ],
        },
        env_file: { $ref: '#/definitions/stringOrList' },
        ports: { type: 'array', items: { $ref: '#/definitions/port' } },
        depends_on: {
          anyOf: [
            { type: 'array', items: { $ref: '#/definitions/name' } },
            {
              type: 'object',
              additionalProperties: {
                anyOf: [
                  { $ref: '#/definitions/condition' },
                  {
                    type: 'object',
                    additionalProperties: false,
                    properties: { condition: { $ref: '#/definitions/condition' }, required: { type: 'boolean' }, restart: { type: 'boolean' } },
                  },
                ],
              },
            },
          ],
        },
        volumes: { type: 'array', items: { $ref: '#/definitions/mount' } },
        networks: {
          anyOf: [
            { type: 'array', items: { $ref: '#/definitions/name' } },
            {
              type: 'object',
              propertyNames: { $ref: '#/definitions/name' },
              additionalProperties: {
                anyOf: [
                  { type: 'null' },
                  {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      aliases: { $ref: '#/definitions/stringList' },
                      ipv4_address: { type: 'string' },
                      ipv6_address: { type: 'string' },
                      priority: { type: 'integer' },
                      mac_address: { type: 'string' },
                      link_local_ips: { $ref: '#/definitions/stringList' },
                    },
                  },
                ],
              },
            },
          ],
        },
        secrets: { type: 'array', items: { $ref: '#/definitions/fileRef' } },
        configs: { type: 'array', items: { $ref: '#/definitions/fileRef' } },
        entrypoint: { $ref: '#/definitions/stringOrList' },
        links: { $ref: '#/definitions/stringList' },
        container_name: { type: 'string' },
        hostname: { type: 'string' },
        domainname: { type: 'string' },
        platform: { type: 'string' },
        pull_policy: { type: 'string', pattern: '^(always|never|missing|build|if_not_present|daily|weekly|every_[0-9]+[smhdw]?)$' },
        network_mode: { type: 'string' },
        pid: { type: 'string' },
        ipc: { type: 'string' },
        shm_size: { $ref: '#/definitions/size' },
        memswap_limit: { type: ['string', 'integer'] },
        mem_limit: { $ref: '#/definitions/size' },
        mem_reservation: { $ref: '#/definitions/size' },
        cpus: { type: ['number', 'string'] },
        cpu_shares: { type: 'integer', minimum: 0 },
        pids_limit: { type: 'integer' },
        scale: { type: 'integer', minimum: 0 },
        init: { type: 'boolean' },
        attach: { type: 'boolean' },
        privileged: { type: 'boolean' },
        stdin_open: { type: 'boolean' },
        tty: { type: 'boolean' },
        cap_add: { $ref: '#/definitions/stringList' },
        cap_drop: { $ref: '#/definitions/stringList' },
        group_add: { type: 'array', items: { type: ['string', 'integer'] } },
        dns: { $ref: '#/definitions/stringOrList' },
        dns_search: { $ref: '#/definitions/stringOrList' },
        dns_opt: { $ref: '#/definitions/stringList' },
        security_opt: { $ref: '#/definitions/stringList' },
        expose: { type: 'array', items: { type: ['string', 'integer'] } },
        devices: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object', required: ['source'], properties: { source: { type: 'string' }, target: { type: 'string' }, permissions: { type: 'string' } }, additionalProperties: false }] } },
        tmpfs: { $ref: '#/definitions/stringOrList' },
        extra_hosts: {
          anyOf: [
            { $ref: '#/definitions/stringList' },
            { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { $ref: '#/definitions/stringList' }] } },
          ],
        },
        sysctls: { $ref: '#/definitions/stringMapOrPairs' },
        ulimits: {
          type: 'object',
          additionalProperties: {
            anyOf: [
              { type: 'integer' },
              { type: 'object', required: ['soft', 'hard'], additionalProperties: false, properties: { soft: { type: 'integer' }, hard: { type: 'integer' } } },
            ],
          },
        },
        logging: { type: 'object', additionalProperties: false, properties: { driver: { type: 'string' }, options: { anyOf: [{ $ref: '#/definitions/stringMap' }, { type: 'null' }] } } },
        annotations: { $ref: '#/definitions/stringMapOrPairs' },
        post_start: { type: 'array', items: { $ref: '#/definitions/hook' } },
        pre_stop: { type: 'array', items: { $ref: '#/definitions/hook' } },
        develop: {
          type: 'object',
          additionalProperties: false,
          properties: {
            watch: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'action'],
                additionalProperties: false,
                properties: {
                  path: { type: 'string' },
                  action: { enum: ['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'] },
                  target: { type: 'string' },
                  ignore: { $ref: '#/definitions/stringList' },
                  include: { $ref: '#/definitions/stringList' },
                  initial_sync: { type: 'boolean' },
                  exec: { $ref: '#/definitions/hook' },
                },
              },
            },
          },
        },
        restart: { type: 'string', pattern: '^(no|always|unless-stopped|on-failure(:[0-9]+)?)$', default: 'no' },
        healthcheck: {
          type: 'object',
          additionalProperties: false,
          properties: {
            test: { $ref: '#/definitions/stringOrList' },
            interval: { $ref: '#/definitions/duration', default: '30s' },
            timeout: { $ref: '#/definitions/duration', default: '30s' },
            retries: { type: 'integer', minimum: 0, default: 3 },
            start_period: { $ref: '#/definitions/duration', default: '0s' },
            start_interval: { $ref: '#/definitions/duration', default: '5s' },
            disable: { type: 'boolean', default: false },
          },
        },
        deploy: {
          type: 'object',
          additionalProperties: false,
          properties: {
            replicas: { type: 'integer', minimum: 0, default: 1 },
            strategy: { enum: ['rolling', 'recreate'], default: 'rolling' },
            mode: { enum: ['replicated', 'global', 'replicated-job', 'global-job'] },
            placement: {
              type: 'object',
              additionalProperties: false,
              properties: {
                constraints: { $ref: '#/definitions/stringList' },
                preferences: { type: 'array', items: { type: 'object', required: ['spread'], additionalProperties: false, properties: { spread: { type: 'string' } } } },
                max_replicas_per_node: { type: 'integer', minimum: 1 },
              },
            },
            update_config: { $ref: '#/definitions/updateConfig' },
            rollback_config: { $ref: '#/definitions/updateConfig' },
            restart_policy: {
              type: 'object',
              additionalProperties: false,
              properties: {
                condition: { enum: ['none', 'on-failure', 'any'] },
                delay: { $ref: '#/definitions/duration' },
                max_attempts: { type: 'integer', minimum: 0 },
                window: { $ref: '#/definitions/duration' },
              },
            },
            endpoint_mode: { enum: ['vip', 'dnsrr'] },
            labels: { $ref: '#/definitions/stringMapOrPairs' },
            resources: {
              type: 'object',
              additionalProperties: false,
              properties: {
                limits: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { cpus: { type: ['number', 'string'] }, memory: { type: ['string', 'integer'] }, pids: { type: 'integer', minimum: 1 } },
                },
                reservations: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { cpus: { type: ['number', 'string'] }, memory: { type: ['string', 'integer'] } },
                },
              },
            },
          },
        },
        build: {
          anyOf: [
            { type: 'string' },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                context: { type: 'string' },
                dockerfile: { type: 'string', default: 'Dockerfile' },
                args: { $ref: '#/definitions/stringMapOrPairs' },
                target: { type: 'string' },
                dockerfile_inline: { type: 'string' },
                labels: { $ref: '#/definitions/stringMapOrPairs' },
                cache_from: { $ref: '#/definitions/stringList' },
                cache_to: { $ref: '#/definitions/stringList' },
                tags: { $ref: '#/definitions/stringList' },
                platforms: { $ref: '#/definitions/stringList' },
                network: { type: 'string' },
                shm_size: { $ref: '#/definitions/size' },
                no_cache: { type: 'boolean' },
                pull: { type: 'boolean' },
                privileged: { type: 'boolean' },
                extra_hosts: { anyOf: [{ $ref: '#/definitions/stringList' }, { type: 'object' }] },
                secrets: { type: 'array', items: { $ref: '#/definitions/fileRef' } },
                ssh: { anyOf: [{ $ref: '#/definitions/stringOrList' }, { $ref: '#/definitions/stringMap' }] },
                additional_contexts: { $ref: '#/definitions/stringMapOrPairs' },
              },
            },
          ],
        },
        profiles: { type: 'array', items: { $ref: '#/definitions/name' } },
        labels: { $ref: '#/definitions/stringMapOrPairs' },
        working_dir: { type: 'string' },
        workdir: { type: 'string' },
        user: { type: 'string' },
        stop_grace_period: { $ref: '#/definitions/duration', default: '10s' },
        stop_signal: { type: 'string', default: 'SIGTERM' },
        read_only: { type: 'boolean', default: false },
      },
      patternProperties: { '^x-': {} },
      additionalProperties: false,
    },
    volume: {
      type: 'object',
      additionalProperties: false,
      properties: {
        driver: { type: 'string', default: 'local' },
        driver_opts: { $ref: '#/definitions/stringMap' },
        labels: { $ref: '#/definitions/stringMapOrPairs' },
        external: { type: 'boolean', default: false },
        name: { type: 'string' },
      },
    },
    network: {
      type: 'object',
      additionalProperties: false,
      properties: {
        driver: { type: 'string', description: '"selur" (zero-copy) or "bridge".', default: 'bridge' },
        driver_opts: { $ref: '#/definitions/stringMap' },
        ipam: {
          type: 'object',
          properties: {
            subnet: { type: 'string' },
            gateway: { type: 'string' },
            driver: { type: 'string' },
            options: { $ref: '#/definitions/stringMap' },
            config: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                properties: { subnet: { type: 'string' }, gateway: { type: 'string' }, ip_range: { type: 'string' }, aux_addresses: { $ref: '#/definitions/stringMap' } },
              },
            },
          },
          additionalProperties: false,
        },
        labels: { $ref: '#/definitions/stringMapOrPairs' },
        external: { type: 'boolean', default: false },
        name: { type: 'string' },
        internal: { type: 'boolean' },
        attachable: { type: 'boolean' },
        enable_ipv6: { type: 'boolean' },
        enable_ipv4: { type: 'boolean' },
      },
    },
    secret: { $ref: '#/definitions/fileObject' },
    config: { $ref: '#/definitions/fileObject' },
  },
} as const;
