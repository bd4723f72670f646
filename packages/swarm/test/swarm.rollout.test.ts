import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject, type Stack } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { swarmRuntime } from '@selur/compose-swarm';
import { ensureTestImage, TEST_IMAGE, uniqueProject } from '../../docker/test/support/engine.js';

/**
 * A rolling update under load, on the single-node swarm of scripts/swarm-suite.mjs: a 4-replica
 * HTTP service (dnsrr, start-first, parallelism 1) and a client service on the same overlay network
 * that sends a bounded stream of requests to the service name (a fresh DNS round-robin lookup per
 * request). Changing the served content and running `up` again hands the service to Swarm's rolling
 * update; the client must see no failed request, and the new content afterwards.
 *
 * The test image is a static busybox whose libc resolver crashes (wget, and nc given a name), so
 * the client resolves with busybox's own `nslookup` and talks HTTP/1.0 through `nc` to the address.
 * The web tasks stop at once on SIGTERM (no drain delay): Swarm takes a task's address out of the
 * service's DNS before it stops the task, and start-first adds the new address first.
 */

const swarm = swarmRuntime({ convergeTimeoutMs: 90_000, pollIntervalMs: 250, stableMs: 1000 });
const project = uniqueProject('swarm-roll');
let dir = '';
let stack: Stack | undefined;

/** One HTTP/1.0 GET of /index.html through nc; `$$` is compose's escape of a shell `$`. */
const GET = `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 2`;

function rolloutProject(content: string) {
  const yaml = `
name: ${project}
services:
  web:
    image: ${TEST_IMAGE}
    environment:
      CONTENT: ${content}
    command:
      - sh
      - -c
      - |
        echo "$$CONTENT" > /tmp/index.html
        exec httpd -f -p 8080 -h /tmp
    healthcheck:
      test:
        - CMD-SHELL
        - ${GET} 127.0.0.1 8080 | grep -q '200 OK'
      interval: 1s
      timeout: 2s
      retries: 3
    stop_grace_period: 1s
    deploy:
      replicas: 4
      endpoint_mode: dnsrr
      update_config: { parallelism: 1, delay: 0s, order: start-first, failure_action: pause, monitor: 1s }
  client:
    image: ${TEST_IMAGE}
    command:
      - sh
      - -c
      - |
        n=0; ok=0; failed=0; v1=0; v2=0; start=$$(date +%s)
        echo client started
        while [ $$n -lt 1500 ] && [ ! -f /tmp/stop ] && [ $$(( $$(date +%s) - start )) -lt 150 ]; do
          ips=$$(nslookup web 2>/dev/null | grep '^Address: [0-9.]*$$' | cut -d' ' -f2)
          count=$$(echo "$$ips" | grep -c .)
          body=''; ip=''
          if [ "$$count" -gt 0 ]; then
            ip=$$(echo "$$ips" | sed -n "$$(( n % count + 1 ))p")
            body=$$(${GET} $$ip 8080 2>/dev/null)
          fi
          case "$$body" in
            *"200 OK"*content-v2*) ok=$$((ok + 1)); v2=$$((v2 + 1)) ;;
            *"200 OK"*) ok=$$((ok + 1)); v1=$$((v1 + 1)) ;;
            *) failed=$$((failed + 1)); echo "fail n=$$n ip=$$ip addresses=$$count" ;;
          esac
          n=$$((n + 1))
          sleep 0.05
        done
        echo "client done sent=$$n ok=$$ok failed=$$failed v1=$$v1 v2=$$v2"
        exec sleep 3600
    stop_grace_period: 1s
    depends_on:
      web: { condition: service_healthy }
    deploy:
      endpoint_mode: dnsrr
`;
  return parseProject(yaml, { format: 'yaml', cwd: dir });
}

async function logText(target: Stack, service: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of target.logs(service)) lines.push(line.text);
  return lines;
}

beforeAll(async () => {
  const docker = dockerRuntime();
  try {
    await ensureTestImage(docker);
  } finally {
    await docker.close();
  }
  dir = await mkdtemp(path.join(tmpdir(), 'selur-swarm-roll-'));
});

afterAll(async () => {
  await stack?.down().catch(() => undefined);
  await swarm.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a Swarm rolling update under load', () => {
  it('start-first, one at a time: a client on the overlay network loses no request, and the new content is served after', async () => {
    stack = await rolloutProject('content-v1').up({ runtime: swarm });
    const before = await stack.ps();
    expect(before.filter((t) => t.service === 'web').map((t) => [t.state, t.health])).toEqual(Array.from({ length: 4 }, () => ['running', 'healthy']));
    const client = before.find((t) => t.service === 'client');
    expect(client?.state).toBe('running');

    // Let the client reach a steady stream against v1 before the update.
    for (let i = 0; i < 40 && !(await logText(stack, 'client')).includes('client started'); i++) await delay(250);
    await delay(2000);

    const next = rolloutProject('content-v2');
    const plan = await next.plan(swarm);
    expect(Object.fromEntries(plan.services.map((s) => [s.name, s.action]))).toEqual({ web: 'recreate', client: 'unchanged' });
    expect(plan.services.find((s) => s.name === 'web')?.rollout).toMatchObject({ order: 'start-first', parallelism: 1 });
    stack = await next.up({ runtime: swarm });

    // A few more requests against v2, then stop the client's loop and read its counts.
    await delay(1500);
    expect((await stack.exec('client', ['touch', '/tmp/stop'])).exitCode).toBe(0);
    let lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines = await logText(stack, 'client');
      if (lines.some((l) => l.startsWith('client done'))) break;
      await delay(250);
    }
    const done = lines.find((l) => l.startsWith('client done')) ?? '';
    const figures = Object.fromEntries([...done.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    console.log(`rollout under load: ${done} (first failures: ${JSON.stringify(lines.filter((l) => l.startsWith('fail')).slice(0, 5))})`);
    expect(done, lines.join('\n')).not.toBe('');
    expect(figures['failed'], lines.join('\n')).toBe(0);
    expect(figures['sent']).toBe(figures['ok']);
    expect(figures['v1']).toBeGreaterThan(0);
    expect(figures['v2']).toBeGreaterThan(0);

    // Every web task was replaced; the client kept running; each address behind the name serves v2.
    const after = await stack.ps();
    const web = after.filter((t) => t.service === 'web');
    expect(web.map((t) => [t.state, t.health])).toEqual(Array.from({ length: 4 }, () => ['running', 'healthy']));
    expect(web.some((t) => before.some((b) => b.id === t.id))).toBe(false);
    expect(after.find((t) => t.service === 'client')?.id).toBe(client?.id);
    const probe = await stack.exec('client', [
      'sh',
      '-c',
      `for ip in $(nslookup web | grep '^Address: [0-9.]*$' | cut -d' ' -f2); do printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 2 $ip 8080 | tail -n1; done`,
    ]);
    expect(probe.stdout.trim().split('\n')).toEqual(['content-v2', 'content-v2', 'content-v2', 'content-v2']);

    await stack.down();
    stack = undefined;
  }, 240_000);
});
