/** The fake Svalinn's `POST /mcp`: JSON-RPC 2.0, always HTTP 200, tools/list and tools/call. */
import type { SvalinnBackend } from './svalinn-memory-backend.js';

const TOOLS = ['svalinn_run', 'svalinn_ps', 'svalinn_stop', 'svalinn_verify', 'svalinn_policy', 'svalinn_logs', 'svalinn_exec', 'svalinn_rm'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(args: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) if (typeof args[name] === 'string' && args[name] !== '') return args[name] as string;
  throw new Error(`Missing required argument: ${names[0]}`);
}

/** Answers one JSON-RPC request body. */
export async function handleMcp(body: unknown, backend: SvalinnBackend, context: { policies: unknown }): Promise<unknown> {
  const id = isRecord(body) && (typeof body['id'] === 'number' || typeof body['id'] === 'string') ? body['id'] : null;
  const fail = (code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } });
  if (!isRecord(body)) return fail(-32700, 'Parse error');
  if (body['jsonrpc'] !== '2.0') return fail(-32600, 'Invalid Request');
  if (body['method'] === 'tools/list') return { jsonrpc: '2.0', id, result: { tools: TOOLS.map((name) => ({ name })) } };
  if (body['method'] !== 'tools/call') return fail(-32601, 'Method not found');
  const params = isRecord(body['params']) ? body['params'] : {};
  const name = params['name'];
  const args = isRecord(params['arguments']) ? params['arguments'] : {};
  try {
    let result: unknown;
    switch (name) {
      case 'svalinn_run': result = await backend.run({ image: str(args, 'image', 'imageName'), name: typeof args['name'] === 'string' ? args['name'] : undefined, config: args['config'] }); break;
      case 'svalinn_ps': result = await backend.list(); break;
      case 'svalinn_stop': result = await backend.stop(str(args, 'containerId', 'container')); break;
      case 'svalinn_rm': result = await backend.remove(str(args, 'containerId', 'container')); break;
      case 'svalinn_verify': result = await backend.verify(str(args, 'imageDigest', 'digest'), args['policy']); break;
      case 'svalinn_policy': result = context.policies; break;
      case 'svalinn_logs':
      case 'svalinn_exec': throw new Error(`${String(name)} is not available in this fake`);
      default: return fail(-32602, `Unknown tool: ${String(name)}`);
    }
    return { jsonrpc: '2.0', id, result };
  } catch (error) {
    return fail(-32000, error instanceof Error ? error.message : String(error));
  }
}
