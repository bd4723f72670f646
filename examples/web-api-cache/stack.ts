/**
 * web + api + cache, declared in TypeScript. Each service is a small Node.js program (in
 * `services/`) run as a host process by the embedded process runtime: nothing else to install.
 *
 * Host processes share the host network, so a service finds another by a fixed port on
 * 127.0.0.1. `freePorts()` picks free ones first; the services read their own port from `$PORT`
 * and their neighbours' URLs from the environment.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Project, Wait } from '@selur/compose';

export const here = fileURLToPath(new URL('.', import.meta.url));

/** Asks the OS for `count` free TCP ports on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface Ports { readonly web: number; readonly api: number; readonly cache: number }

/** The stack. Without a name, every run gets a unique project name (tests never collide). */
export function webApiCache(ports: Ports, name?: string): Project {
  const ready = (port: number) => Wait.forHttp('/health', { port }).withTimeout(10_000);
  return new Project(name)
    .service('cache', {
      image: 'examples/cache',                       // used by container runtimes; processes run `command`
      command: ['node', 'services/cache.mjs'],
      working_dir: here,
      ports: [`${ports.cache}:${ports.cache}`],
      waitFor: ready(ports.cache),
    })
    .service('api', (s) =>
      s.image('examples/api')
        .command(['node', 'services/api.mjs'])
        .workdir(here)
        .port(`${ports.api}:${ports.api}`)
        .env({ CACHE_URL: `http://127.0.0.1:${ports.cache}` })
        .dependsOn('cache', { condition: 'healthy' })
        .waitFor(ready(ports.api)),
    )
    .service('web', {
      image: 'examples/web',
      command: ['node', 'services/web.mjs'],
      working_dir: here,
      ports: [`${ports.web}:${ports.web}`],
      environment: { API_URL: `http://127.0.0.1:${ports.api}` },
      depends_on: { api: { condition: 'service_healthy' } },
      waitFor: ready(ports.web),
    });
}
