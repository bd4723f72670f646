// A real run of generated manifests: `podman kube play` on a multi-service stack built from a
// local image (FROM scratch + Debian's static busybox; no registry), the services answer on their
// host ports, `podman kube down` removes them. FAILS (never skips) when podman is missing.
//
// Podman 4.3 panics on a Secret volume unless its `optional` is written out (the converter writes
// Kubernetes' default, `false`), then mounts it as it mounts a ConfigMap: the folder holding the
// key at the target (it ignores `subPath`), mode 0644 whatever `items[].mode` says, and the value
// still base64-encoded. It does not resolve `secretKeyRef`. So the third run checks that a secret
// arrives at its target; its mode and group are covered by the schemas and file-mounts.test.ts.
// It has no Services or Jobs either, so the init containers (which wait on a Service or a Job)
// are checked by the round-trip tests, not here.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL_PROJECT, Project } from '@selur/compose';
import { toKubernetes, toYaml } from '@selur/compose-kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestProblems } from './support/validate.js';

const IMAGE = 'localhost/selur-k8s-test/busybox:1';
const BUSYBOX = '/bin/busybox';
const HOW_TO_INSTALL = 'The Kubernetes suite runs generated manifests with `podman kube play` and never skips: `apt-get install -y podman catatonit busybox-static` (Debian).';

let dir = '';
const env = (): NodeJS.ProcessEnv => ({ ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') });

function podman(args: readonly string[], timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('podman', [...args], { env: env(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`podman ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-2000)}`, { cause: error }));
      else resolve({ stdout, stderr });
    });
  });
}

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** GETs the URL until it answers 200, at most `attempts` times, `intervalMs` apart (each request bounded too). */
async function answer(url: string, attempts = 120, intervalMs = 250): Promise<{ body: string; tries: number }> {
  let last: unknown;
  for (let tries = 1; tries <= attempts; tries++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { body: await response.text(), tries };
      last = new Error(`HTTP ${response.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${url} did not answer after ${attempts} tries: ${String(last)}`);
}

describe('podman kube play runs the generated manifests', () => {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const name = `kp-${suffix}`;
  const volume = `data-${suffix}`;
  const ports = { web: 0, api: 0, store: 0 };
  let yamlFile = '';
  let filesYaml = '';
  let secretsYaml = '';
  let missing: Error | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'selur-k8s-podman-'));
    // The sandbox's hard limits are lower than podman's default ulimits.
    await writeFile(join(dir, 'containers.conf'), '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n');
    try {
      await podman(['--version'], 10_000);
    } catch (error) {
      // Reported by the test itself, so that it counts as failed (a failing beforeAll reads as "skipped").
      missing = new Error(`podman is not available: ${(error as Error).message}\n${HOW_TO_INSTALL}`, { cause: error });
      return;
    }
    const exists = await podman(['image', 'exists', IMAGE]).then(() => true, () => false);
    if (!exists) {
      const context = join(dir, 'image');
      await rm(context, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(context));
      await cp(BUSYBOX, join(context, 'busybox'));
      await writeFile(join(context, 'Containerfile'),
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nRUN ["/bin/mkdir","-p","/tmp","/www","/data"]\nRUN ["/bin/chmod","1777","/tmp"]\nCMD ["/bin/sh"]\n');
      const started = performance.now();
      await podman(['build', '-q', '-t', IMAGE, context], 300_000);
      timings['build image'] = Math.round(performance.now() - started);
    }
    ports.web = await freePort();
    ports.api = await freePort();
    ports.store = await freePort();
  }, 360_000);

  afterAll(async () => {
    if (yamlFile) await podman(['kube', 'down', yamlFile]).catch(() => undefined);
    if (filesYaml) await podman(['kube', 'down', filesYaml]).catch(() => undefined);
    if (secretsYaml) await podman(['kube', 'down', secretsYaml]).catch(() => undefined);
    // podman keeps a played Secret as a podman secret, and its volume's content in a volume of the same name
    await podman(['secret', 'rm', `ks-${suffix}-token`]).catch(() => undefined);
    await podman(['volume', 'rm', '-f', `ks-${suffix}-token`]).catch(() => undefined);
    await podman(['volume', 'rm', '-f', volume]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
    console.log(`podman timings (ms): ${JSON.stringify(timings)}`);
  }, 120_000);

  it('three services from a local image answer on their host ports, then kube down removes them', async () => {
    if (missing) throw missing;
    const project = new Project(name)
      .volume(volume)
      .service('web', {
        image: IMAGE,
        command: ['sh', '-c', 'echo web-ok > /www/index.html && exec httpd -f -p 8080 -h /www'],
        ports: [`${ports.web}:8080`],
        healthcheck: { test: 'wget -q -O- http://localhost:8080/', interval: '1s', timeout: '1s', retries: 3 },
      })
      .service('api', {
        // user and environment arrive: it serves its own uid and $GREETING
        image: IMAGE,
        command: ['sh', '-c', 'mkdir -p /tmp/www && echo "api uid=$(id -u) greeting=$GREETING" > /tmp/www/index.html && exec httpd -f -p 9090 -h /tmp/www'],
        ports: [`${ports.api}:9090`],
        user: '1000:1000',
        environment: { GREETING: 'hello-from-compose' },
        deploy: { resources: { limits: { cpus: 0.5, memory: '64m' }, reservations: { memory: '16m' } } },
      })
      .service('store', {
        // a named volume becomes a claim podman backs with a volume; the root filesystem is read-only
        image: IMAGE,
        command: ['sh', '-c', 'echo stored-ok > /data/index.html && exec httpd -f -p 7070 -h /data'],
        ports: [`${ports.store}:7070`],
        volumes: [`${volume}:/data`],
        read_only: true,
        stop_grace_period: '2s',
      });
    const manifests = toKubernetes(project, { hostPorts: true, imagePullPolicy: 'IfNotPresent', livenessProbes: true });
    expect(manifests.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
    expect(manifests.objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Deployment', 'Deployment', 'PersistentVolumeClaim', 'Service', 'Service', 'Service']);
    yamlFile = join(dir, 'stack.yaml');
    await writeFile(yamlFile, toYaml(manifests));

    let started = performance.now();
    await podman(['kube', 'play', yamlFile]);
    timings['kube play'] = Math.round(performance.now() - started);

    started = performance.now();
    const web = await answer(`http://127.0.0.1:${ports.web}/`);
    const api = await answer(`http://127.0.0.1:${ports.api}/`);
    const store = await answer(`http://127.0.0.1:${ports.store}/`);
    timings['all answering'] = Math.round(performance.now() - started);
    expect(web.body.trim()).toBe('web-ok');
    expect(api.body.trim()).toBe('api uid=1000 greeting=hello-from-compose');
    expect(store.body.trim()).toBe('stored-ok');

    // The pods carry the identity labels, and the runtime got the volume podman made for the claim.
    const { stdout } = await podman(['ps', '--filter', `label=${LABEL_PROJECT}=${name}`, '--format', '{{.Names}}']);
    expect(stdout.trim().split('\n').sort()).toEqual(['api-pod-0-api', 'store-pod-0-store', 'web-pod-0-web']);
    const volumes = await podman(['volume', 'ls', '--format', '{{.Name}}']);
    expect(volumes.stdout.split('\n')).toContain(volume);

    started = performance.now();
    await podman(['kube', 'down', yamlFile]);
    timings['kube down'] = Math.round(performance.now() - started);
    yamlFile = '';
    const after = await podman(['ps', '-a', '--filter', `label=${LABEL_PROJECT}=${name}`, '--format', '{{.Names}}']);
    expect(after.stdout.trim()).toBe('');
    const pods = await podman(['pod', 'ps', '--format', '{{.Name}}']);
    expect(pods.stdout.split('\n')).not.toContain('web-pod-0');
    await expect(fetch(`http://127.0.0.1:${ports.web}/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  }, 300_000);

  it('configs, cap_drop, tmpfs and entrypoint arrive inside the pod (podman exec)', async () => {
    if (missing) throw missing;
    await writeFile(join(dir, 'app.conf'), 'greeting = from-a-config-file\n');
    const project = new Project(`kf-${suffix}`, { workingDir: dir })
      .config('app_conf', { file: './app.conf' })
      .config('motd', { content: 'inline-config\n' })
      .service('files', {
        image: IMAGE,
        // entrypoint → command, command → args: sh -c SCRIPT
        entrypoint: ['sh', '-c'],
        command: ['echo started > /scratch/marker && exec sleep 600'],
        configs: [{ source: 'app_conf', target: '/etc/app/app.conf', mode: 0o444 }, 'motd'],
        cap_drop: ['CAP_CHOWN', 'NET_BIND_SERVICE'],
        tmpfs: ['/scratch:size=8m'],
        read_only: true,
        stop_grace_period: '1s',
      });
    const manifests = toKubernetes(project, { imagePullPolicy: 'IfNotPresent' });
    expect(manifests.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
    expect(manifests.objects.map((o) => o.kind)).toEqual(['ConfigMap', 'ConfigMap', 'Deployment']);
    filesYaml = join(dir, 'files.yaml');
    await writeFile(filesYaml, toYaml(manifests));
    const started = performance.now();
    await podman(['kube', 'play', filesYaml]);
    timings['kube play (files)'] = Math.round(performance.now() - started);
    const container = 'files-pod-0-files';
    const exec = async (...argv: string[]) => (await podman(['exec', container, ...argv], 30_000)).stdout;
    // the entrypoint ran the command: wait (bounded) for its marker on the tmpfs
    let marker = '';
    for (let i = 0; i < 40 && marker === ''; i++) {
      marker = await exec('cat', '/scratch/marker').catch(() => '');
      if (marker === '') await new Promise((r) => setTimeout(r, 250));
    }
    expect(marker.trim()).toBe('started');
    // Podman 4.3 ignores `subPath` on a configMap volume and mounts the volume (a folder holding the
    // key) at the target; Kubernetes mounts the one file there. Read whichever this podman made.
    const configAt = async (target: string, key: string) =>
      exec('sh', '-c', `if [ -d ${target} ]; then cat ${target}/${key}; else cat ${target}; fi`);
    expect(await configAt('/etc/app/app.conf', 'app_conf')).toBe('greeting = from-a-config-file\n');
    expect(await configAt('/motd', 'motd')).toBe('inline-config\n');
    // the tmpfs arrives as its own writable mount on a read-only root (the marker above was written
    // there). Podman 4.3 backs every emptyDir with an anonymous volume on disk, whatever its medium,
    // so `medium: Memory` and `sizeLimit` are checked by the unit tests and schemas, not here.
    const mounts = (await exec('cat', '/proc/mounts')).split('\n').filter((l) => l.split(' ')[1] === '/scratch');
    expect(mounts).toHaveLength(1);
    expect(mounts[0]?.split(' ')[3]?.split(',')).toContain('rw');
    // dropped capabilities are absent from the service's effective set; one not dropped stays
    const status = await exec('cat', '/proc/1/status');
    const capEff = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? 'x'}`);
    const has = (bit: number) => (capEff >> BigInt(bit)) & 1n;
    expect({ CHOWN: has(0), NET_BIND_SERVICE: has(10), KILL: has(5) }).toEqual({ CHOWN: 0n, NET_BIND_SERVICE: 0n, KILL: 1n });
    // the root file system stays read-only
    await expect(exec('touch', '/etc/app/other')).rejects.toThrow();

    await podman(['kube', 'down', filesYaml]);
    filesYaml = '';
  }, 300_000);
  it('a secret with a target and a mode arrives at its target (kube play of the Secret and the Deployment)', async () => {
    if (missing) throw missing;
    const value = `token-${suffix}\n`;
    await writeFile(join(dir, 'token.txt'), value);
    const secret = `ks-${suffix}-token`; // podman keeps Secrets as its own secrets, by name, outside any pod: unique per run
    const project = new Project(`ks-${suffix}`, { workingDir: dir })
      .secret(secret, { file: './token.txt' })
      .service('reader', {
        image: IMAGE,
        command: ['sh', '-c', 'exec sleep 600'],
        secrets: [{ source: secret, target: '/etc/creds/token', mode: 0o400 }, secret],
        stop_grace_period: '1s',
      });
    const manifests = toKubernetes(project, { imagePullPolicy: 'IfNotPresent' });
    expect(manifests.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
    expect(manifests.objects.map((o) => o.kind)).toEqual(['Secret', 'Deployment']);
    secretsYaml = join(dir, 'secrets.yaml');
    await writeFile(secretsYaml, toYaml(manifests));
    const started = performance.now();
    await podman(['kube', 'play', secretsYaml]);
    timings['kube play (secrets)'] = Math.round(performance.now() - started);
    const exec = async (...argv: string[]) => (await podman(['exec', 'reader-pod-0-reader', ...argv], 30_000)).stdout;
    const version = (await podman(['--version'])).stdout.trim();
    for (const target of ['/etc/creds/token', `/run/secrets/${secret}`]) {
      // Kubernetes mounts the one file at the target (subPath); Podman 4.3 mounts the folder holding the key there
      const shape = (await exec('sh', '-c', `if [ -d ${target} ]; then echo folder; elif [ -f ${target} ]; then echo file; fi`)).trim();
      const file = shape === 'folder' ? `${target}/${secret}` : target;
      const content = await exec('cat', file);
      if (shape === 'file') {
        expect(content).toBe(value);
        if (target === '/etc/creds/token') expect((await exec('stat', '-L', '-c', '%a', file)).trim()).toBe('400');
      } else {
        // only the podman whose limits are documented above may mount a folder and leave the value encoded
        expect(shape).toBe('folder');
        expect(version).toMatch(/^podman version 4\.3\./);
        expect([value, Buffer.from(value).toString('base64')]).toContain(content);
      }
    }
    await podman(['kube', 'down', secretsYaml]);
    secretsYaml = '';
  }, 300_000);
});
