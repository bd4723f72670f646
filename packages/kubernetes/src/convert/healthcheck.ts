import type { HealthcheckSpec } from '@selur/compose';
import type { V1Probe } from '@kubernetes/client-node';
import { seconds } from './units.js';

/** @internal The handler part of a probe: exec, or httpGet / tcpSocket when the check is recognisably one. */
export type ProbeHandler = Pick<V1Probe, 'exec' | 'httpGet' | 'tcpSocket'>;

/** Splits a shell command into words when it is a plain one (no expansion, no pipes but a trailing `|| exit 1`). */
function plainWords(command: string): string[] | undefined {
  const stripped = command.trim().replace(/\s*\|\|\s*exit\s+1\s*$/, '');
  if (/[|;&<>`$()\\]/.test(stripped)) return undefined;
  const words: string[] = [];
  for (const match of stripped.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

const LOCAL = /^(?:localhost|127\.0\.0\.1)$/;
const CURL_FLAGS = new Set(['-f', '--fail', '-s', '--silent', '-S', '--show-error', '-fs', '-sf', '-fsS', '-sSf', '-fSs', '-Ssf', '-sfS', '-Sfs']);
const WGET_FLAGS = new Set(['-q', '--quiet', '--spider', '-O-', '-qO-', '-qO', '-O']);

/** `curl -f http://localhost:8080/health` / `wget -q -O- http://127.0.0.1/x` → httpGet (both fail on an HTTP error status, as httpGet does). */
function httpGet(words: readonly string[]): ProbeHandler | undefined {
  const [tool, ...rest] = words;
  if (tool !== 'curl' && tool !== 'wget') return undefined;
  const urls = rest.filter((w) => /^https?:\/\//.test(w));
  if (urls.length !== 1) return undefined;
  const flags = rest.filter((w) => !/^https?:\/\//.test(w));
  if (tool === 'curl' && !flags.some((f) => f === '--fail' || (/^-[a-zA-Z]+$/.test(f) && f.includes('f')))) return undefined; // curl without -f succeeds on a 500
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] as string;
    if (tool === 'wget' && (flag === '-O' || flag === '-qO') && (flags[i + 1] === '-' || flags[i + 1] === '/dev/null')) { i++; continue; }
    if (tool === 'curl' && flag === '-o' && flags[i + 1] === '/dev/null') { i++; continue; }
    if (!(tool === 'curl' ? CURL_FLAGS : WGET_FLAGS).has(flag)) return undefined;
  }
  let url: URL;
  try {
    url = new URL(urls[0] as string);
  } catch {
    return undefined;
  }
  if (!LOCAL.test(url.hostname) || url.username || url.password || url.hash) return undefined;
  const scheme = url.protocol === 'https:' ? 'HTTPS' : 'HTTP';
  const port = url.port === '' ? (scheme === 'HTTPS' ? 443 : 80) : Number(url.port);
  return { httpGet: { path: `${url.pathname}${url.search}`, port, scheme } };
}

/** `nc -z localhost 5432` (optionally `-w N`) → tcpSocket. */
function tcpSocket(words: readonly string[]): ProbeHandler | undefined {
  if (words[0] !== 'nc') return undefined;
  const rest = words.slice(1).filter((w, i, all) => w !== '-z' && w !== '-w' && all[i - 1] !== '-w');
  if (!words.includes('-z') || rest.length !== 2) return undefined;
  const [host, port] = rest as [string, string];
  if (!LOCAL.test(host) || !/^\d+$/.test(port)) return undefined;
  return { tcpSocket: { port: Number(port) } };
}

/**
 * @internal The probe handler for a compose healthcheck test: httpGet or tcpSocket when the
 * command is recognisably one of those against the container itself, otherwise exec (a string or
 * `CMD-SHELL` runs under `/bin/sh -c`, as compose does). Undefined for `NONE` and for no test.
 */
export function probeHandler(test: HealthcheckSpec['test']): ProbeHandler | undefined {
  let shell: string | undefined;
  let argv: string[] | undefined;
  if (test === undefined) return undefined; // the image's HEALTHCHECK: refused by name (`healthcheck.image_test`)
  if (typeof test === 'string') shell = test;
  else if (test[0] === 'NONE') return undefined;
  else if (test[0] === 'CMD-SHELL') shell = test.slice(1).join(' ');
  else if (test[0] === 'CMD') argv = test.slice(1);
  else argv = [...test];
  const words = shell === undefined ? argv : plainWords(shell);
  if (words) {
    const recognised = httpGet(words) ?? tcpSocket(words);
    if (recognised) return recognised;
  }
  return { exec: { command: shell === undefined ? (argv as string[]) : ['/bin/sh', '-c', shell] } };
}

/** @internal The probes of a healthcheck, or undefined when it has none (or `disable`). */
export function probes(health: HealthcheckSpec | undefined, liveness: boolean): { readinessProbe?: V1Probe; livenessProbe?: V1Probe; startupProbe?: V1Probe } {
  if (!health || health.disable) return {};
  const handler = probeHandler(health.test);
  if (!handler) return {};
  const timeoutSeconds = seconds(health.timeout);
  const periodSeconds = seconds(health.interval);
  const steady: V1Probe = { ...handler, periodSeconds, timeoutSeconds, failureThreshold: Math.max(1, health.retries), successThreshold: 1 };
  const out: { readinessProbe?: V1Probe; livenessProbe?: V1Probe; startupProbe?: V1Probe } = { readinessProbe: steady };
  if (liveness) out.livenessProbe = { ...steady };
  const startPeriod = seconds(health.start_period, 0);
  if (startPeriod > 0) {
    // Compose: failures during start_period do not count, checks run every start_interval, the
    // first success ends it. A startup probe holds the other probes back the same way.
    const startInterval = seconds(health.start_interval);
    out.startupProbe = { ...handler, periodSeconds: startInterval, timeoutSeconds, successThreshold: 1, failureThreshold: Math.max(1, Math.ceil(startPeriod / startInterval)) + Math.max(1, health.retries) };
  }
  return out;
}
