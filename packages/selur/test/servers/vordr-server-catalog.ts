/**
 * The tools a real Vörðr MCP server lists (`tools/list`, `GET /tools`), with their aliases and
 * `input_schema`s, as in `docs/reference/vordr-mcp.md`. Test support only.
 */

/** One listed tool. */
export interface FakeToolSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly input_schema: Record<string, unknown>;
  /** Listed but answering "Unknown tool" (vordr_logs, vordr_pull). */
  readonly unimplemented?: true;
}

const id = { containerId: { type: 'string', description: 'Container id or name (alias: container)' }, container: { type: 'string' } };
const obj = (properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> => ({ type: 'object', properties, required });

/** Every tool, in the order the server lists them. */
export const FAKE_TOOLS: readonly FakeToolSpec[] = [
  {
    name: 'vordr_container_create',
    aliases: ['vordr_run'],
    description: 'Create a container (and start it unless detach is false)',
    input_schema: obj(
      {
        image: { type: 'string' },
        name: { type: 'string' },
        command: { type: 'array', items: { type: 'string' } },
        detach: { type: 'boolean', default: true },
        config: obj({
          privileged: { type: 'boolean' },
          readOnlyRoot: { type: 'boolean', default: true },
          env: {},
          volumes: { type: 'array' },
          ports: { type: 'array' },
          networks: {},
          restart: { type: 'string', enum: ['no', 'always', 'on-failure', 'unless-stopped'] },
          healthcheck: { type: 'object' },
        }),
      },
      ['image'],
    ),
  },
  { name: 'vordr_container_start', aliases: [], description: 'Start a created container', input_schema: obj(id) },
  { name: 'vordr_container_stop', aliases: ['vordr_stop'], description: 'Stop a running container (SIGTERM, then SIGKILL)', input_schema: obj({ ...id, timeout: { type: 'integer', default: 10 } }) },
  { name: 'vordr_container_remove', aliases: ['vordr_rm'], description: 'Remove a container', input_schema: obj({ ...id, force: { type: 'boolean' } }) },
  { name: 'vordr_container_list', aliases: ['vordr_ps'], description: 'List containers (running only unless all)', input_schema: obj({ all: { type: 'boolean' } }) },
  { name: 'vordr_container_inspect', aliases: ['vordr_inspect'], description: 'Inspect a container', input_schema: obj(id) },
  { name: 'vordr_exec', aliases: [], description: 'Run a command in a running container', input_schema: obj({ ...id, command: { type: 'array', items: { type: 'string' } } }, ['command']) },
  { name: 'vordr_image_list', aliases: ['vordr_images'], description: 'List images', input_schema: obj({}) },
  { name: 'vordr_verify_image', aliases: [], description: 'Verify an image', input_schema: obj({ image: { type: 'string' } }, ['image']) },
  { name: 'vordr_network_ls', aliases: [], description: 'List networks', input_schema: obj({}) },
  { name: 'vordr_network_create', aliases: [], description: 'Create a network', input_schema: obj({ name: { type: 'string' }, driver: { type: 'string', default: 'bridge' }, subnet: { type: 'string' } }, ['name']) },
  { name: 'vordr_network_rm', aliases: [], description: 'Remove a network', input_schema: obj({ name: { type: 'string' } }, ['name']) },
  { name: 'vordr_volume_ls', aliases: [], description: 'List volumes', input_schema: obj({}) },
  { name: 'vordr_volume_create', aliases: [], description: 'Create a volume', input_schema: obj({ name: { type: 'string' }, driver: { type: 'string', enum: ['local'] } }, ['name']) },
  { name: 'vordr_volume_rm', aliases: [], description: 'Remove a volume', input_schema: obj({ id: { type: 'string' } }, ['id']) },
  { name: 'vordr_logs', aliases: [], description: 'Container logs', input_schema: obj(id), unimplemented: true },
  { name: 'vordr_pull', aliases: [], description: 'Pull an image', input_schema: obj({ image: { type: 'string' } }, ['image']), unimplemented: true },
];

/** Maps every name and alias to its canonical tool; unimplemented tools are absent. */
export const CANONICAL_TOOL: ReadonlyMap<string, string> = new Map(
  FAKE_TOOLS.filter((t) => t.unimplemented !== true).flatMap((t) => [t.name, ...t.aliases].map((n) => [n, t.name] as const)),
);

/** The `tools/list` result. */
export function toolListResult(): { tools: { name: string; description: string; input_schema: Record<string, unknown> }[] } {
  return { tools: FAKE_TOOLS.map((t) => ({ name: t.name, description: t.description, input_schema: t.input_schema })) };
}
