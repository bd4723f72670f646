/**
 * The fake Svalinn's `POST /mcp` as recorded: JSON-RPC 2.0, always HTTP 200; `initialize`,
 * `tools/list` and `tools/call`. A tool's success is MCP content (`{content: [{type: "text", text:
 * "<JSON>"}]}`); a tool's failure is a result with `isError: true` and a text message, never a
 * JSON-RPC error; only a body that is not JSON-RPC gets one.
 */
import type { SvalinnBackend } from './svalinn-memory-backend.js';

/** `tools/list` as recorded (descriptions of the first two tools; the rest named with their inputs). */
const TOOLS = [
  {
    name: 'svalinn_run',
    description: 'Run a container with edge validation. Validates request against verified-container-spec, checks edge policy, then delegates to Vörðr.',
    inputSchema: {
      type: 'object',
      properties: {
        image: { type: 'string', description: 'Container image reference' },
        name: { type: 'string', description: 'Optional container name' },
        command: { type: 'array', items: { type: 'string' }, description: 'Command to run' },
        detach: { type: 'boolean', description: 'Run in background' },
        removeOnExit: { type: 'boolean', description: 'Remove container when it exits' },
      },
      required: ['image'],
    },
  },
  {
    name: 'svalinn_ps',
    description: 'List containers managed by Vörðr',
    inputSchema: {
      type: 'object',
      properties: { all: { type: 'boolean', description: 'Show all containers (default shows only running)' }, filter: { type: 'string', description: 'Filter containers' } },
    },
  },
  { name: 'svalinn_stop', inputSchema: { type: 'object', properties: { containerId: { type: 'string' } }, required: ['containerId'] } },
  { name: 'svalinn_verify', inputSchema: { type: 'object', properties: { image: { type: 'string' } }, required: ['image'] } },
  { name: 'svalinn_policy', inputSchema: { type: 'object', properties: { action: { type: 'string' } }, required: ['action'] } },
  { name: 'svalinn_logs', inputSchema: { type: 'object', properties: { containerId: { type: 'string' } }, required: ['containerId'] } },
  { name: 'svalinn_exec', inputSchema: { type: 'object', properties: { containerId: { type: 'string' }, command: { type: 'array', items: { type: 'string' } } }, required: ['containerId', 'command'] } },
  { name: 'svalinn_rm', inputSchema: { type: 'object', properties: { containerId: { type: 'string' } }, required: ['containerId'] } },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class MissingParameter extends Error {}

function str(args: Record<string, unknown>, name: string): string {
  if (typeof args[name] === 'string' && args[name] !== '') return args[name] as string;
  throw new MissingParameter(`Missing required parameter: ${name}`);
}

const text = (value: unknown) => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] });
const toolError = (message: string) => ({ content: [{ type: 'text', text: message }], isError: true });

/** Answers one JSON-RPC request body (`raw` is the body text when it was not JSON). */
export async function handleMcp(body: unknown, backend: SvalinnBackend, context: { policies: unknown; wrap: (error: unknown) => string }): Promise<unknown> {
  if (typeof body === 'string') {
    let message = 'Parse error';
    try {
      JSON.parse(body);
    } catch (error) {
      message = `Parse error: ${(error as Error).message}`;
    }
    return { jsonrpc: '2.0', id: null, error: { code: -32700, message } };
  }
  const id = isRecord(body) && (typeof body['id'] === 'number' || typeof body['id'] === 'string') ? body['id'] : null;
  const fail = (code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } });
  if (!isRecord(body)) return fail(-32600, 'Invalid Request');
  const ok = (result: unknown) => ({ jsonrpc: '2.0', id, result });
  if (body['method'] === 'initialize') return ok({ protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'svalinn', version: '0.1.0' } });
  if (body['method'] === 'tools/list') return ok({ tools: TOOLS });
  if (body['method'] !== 'tools/call') return fail(-32601, `Method not found: ${String(body['method'])}`);
  const params = isRecord(body['params']) ? body['params'] : {};
  const name = params['name'];
  const args = isRecord(params['arguments']) ? params['arguments'] : {};
  try {
    switch (name) {
      case 'svalinn_run': {
        const image = str(args, 'image');
        return ok(text(await backend.run({ image, name: typeof args['name'] === 'string' ? args['name'] : undefined })));
      }
      case 'svalinn_ps': return ok(text(await backend.list()));
      case 'svalinn_stop': { const c = str(args, 'containerId'); return ok(text(await runtime(name, () => backend.stop(c)))); }
      case 'svalinn_rm': { const c = str(args, 'containerId'); return ok(text(await runtime(name, () => backend.remove(c)))); }
      case 'svalinn_verify': { const image = str(args, 'image'); return ok(text(await runtime(name, () => backend.verify(image, args['policy'])))); }
      case 'svalinn_policy': str(args, 'action'); return ok(text(context.policies));
      case 'svalinn_logs': { const c = str(args, 'containerId'); return ok(text(await runtime(name, () => backend.logs ? backend.logs(c) : Promise.reject(new Error('Unknown tool: vordr_logs'))))); }
      case 'svalinn_exec': throw new ToolFailure(`svalinn_exec failed: ${context.wrap(new Error('Unknown tool: vordr_exec'))}`);
      default: return ok(toolError(`Unknown tool: ${String(name)}`));
    }
  } catch (error) {
    if (error instanceof MissingParameter || error instanceof ToolFailure) return ok(toolError(error.message));
    return ok(toolError(`${String(name)} failed: ${context.wrap(error)}`));
  }

  /** A runtime call of a tool: its failure reads `<tool> failed: <the gateway's wrapped message>`. */
  async function runtime<T>(tool: unknown, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new ToolFailure(`${String(tool)} failed: ${context.wrap(error)}`);
    }
  }
}

class ToolFailure extends Error {}
