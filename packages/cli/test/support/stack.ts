import { request } from 'node:http';
import { afterEach, expect } from 'vitest';
import { runCli, workspace, type CliResult, type Workspace } from './cli.js';

/** The CLI's `ps --format json` rows (the SDK's ContainerInfo). */
export interface PsRow {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly service: string;
  readonly replica: number;
  readonly state: string;
  readonly exitCode?: number;
  readonly pid?: number;
  readonly ports: readonly { readonly target: number; readonly host: string; readonly published: number }[];
}

/** A `command` running a Node.js one-liner, as TOML. */
export const node = (source: string) => JSON.stringify(['node', '-e', source]);

/** Two node services on loopback: db (TCP) and web (HTTP), web depending on db. */
export const STACK = `version = "1.0"

[services.db]
image = "node"
command = ${node("require('net').createServer((c) => c.end('db\\n')).listen(+process.env.PORT, '127.0.0.1', () => console.log('db listening on ' + process.env.PORT))")}
ports = ["0:5432"]

[services.web]
image = "node"
command = ${node("require('http').createServer((q, r) => r.end('hello from web')).listen(+process.env.PORT, '127.0.0.1', () => console.log('web listening on ' + process.env.PORT))")}
ports = ["0:8080"]
depends_on = ["db"]
`;

/** GET http://127.0.0.1:port/ (bounded by a 5 s timeout). */
export function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** One project folder per test, taken down and removed after it. */
export interface StackSession {
  /** Creates the folder with this compose.toml. */
  open(composeToml: string): Workspace;
  readonly ws: Workspace;
  cli(args: string[], extra?: Record<string, string>): Promise<CliResult>;
  ps(all?: boolean): Promise<PsRow[]>;
}

/** Registers the cleanup (`down -t 1`, then the folder) and returns the session. */
export function stackSession(): StackSession {
  let current: Workspace | undefined;
  afterEach(async () => {
    if (!current) return;
    await runCli(['down', '-t', '1'], { cwd: current.dir, env: current.env });
    current.remove();
    current = undefined;
  });
  const session: StackSession = {
    open(composeToml) {
      current = workspace();
      current.write('compose.toml', composeToml);
      return current;
    },
    get ws() {
      if (!current) throw new Error('open() first');
      return current;
    },
    cli: (args, extra = {}) => runCli(args, { cwd: session.ws.dir, env: { ...session.ws.env, ...extra } }),
    async ps(all = true) {
      const result = await session.cli(['ps', '--format', 'json', ...(all ? ['-a'] : [])]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as PsRow[];
    },
  };
  return session;
}
