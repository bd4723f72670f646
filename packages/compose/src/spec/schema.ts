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
            mode: { type: 'string' },
          },
        },
      ],
    },
    mount: {
      anyOf: [
        { type: 'string', description: '"SOURCE:TARGET[:ro|rw]".', pattern: '^[^:]+:/[^:]*(:(ro|rw))?$' },
        {
          type: 'object',
          required: ['source', 'target'],
          additionalProperties: false,
          properties: {
            type: { enum: ['bind', 'volume'] },
            source: { type: 'string', minLength: 1 },
            target: { type: 'string', pattern: '^/' },
            read_only: { type: 'boolean' },
          },
        },
      ],
    },
    condition: {
      enum: ['service_started', 'service_healthy', 'service_completed_successfully', 'started', 'healthy', 'completed_successfully'],
    },
    service: {
      type: 'object',
      required: ['image'],
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
                ],
              },
            },
            { type: 'array', items: { type: 'string', pattern: '^[^=]+=' } },
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
        networks: { anyOf: [{ type: 'array', items: { $ref: '#/definitions/name' } }, { type: 'object' }] },
        secrets: { type: 'array', items: { $ref: '#/definitions/name' } },
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
                args: { $ref: '#/definitions/stringMap' },
                target: { type: 'string' },
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
          properties: { subnet: { type: 'string' }, gateway: { type: 'string' }, driver: { type: 'string' }, config: { type: 'array' } },
          additionalProperties: false,
        },
        labels: { $ref: '#/definitions/stringMapOrPairs' },
        external: { type: 'boolean', default: false },
      },
    },
    secret: {
      description: 'Exactly one of file and external = true.',
      type: 'object',
      additionalProperties: false,
      properties: { file: { type: 'string', minLength: 1 }, external: { type: 'boolean' } },
    },
  },
} as const;
