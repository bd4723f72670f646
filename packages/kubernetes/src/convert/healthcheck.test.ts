import { describe, expect, it } from 'vitest';
import { probeHandler, probes } from './healthcheck.js';
import { cpuQuantity, memoryQuantity, seconds } from './units.js';

describe('probeHandler', () => {
  it.each([
    ['curl -f http://localhost:8080/health', { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' } }],
    [['CMD', 'curl', '--fail', '-s', 'http://127.0.0.1/ready?deep=1'], { httpGet: { path: '/ready?deep=1', port: 80, scheme: 'HTTP' } }],
    ['wget -q -O- http://localhost:3000/ || exit 1', { httpGet: { path: '/', port: 3000, scheme: 'HTTP' } }],
    [['CMD-SHELL', 'wget --spider https://localhost/x'], { httpGet: { path: '/x', port: 443, scheme: 'HTTPS' } }],
    ['nc -z localhost 5432', { tcpSocket: { port: 5432 } }],
    [['CMD', 'nc', '-z', '-w', '2', '127.0.0.1', '6379'], { tcpSocket: { port: 6379 } }],
  ] as const)('%j is recognised', (test, expected) => {
    expect(probeHandler(test)).toEqual(expected);
  });

  it.each([
    ['curl http://localhost/health', ['/bin/sh', '-c', 'curl http://localhost/health']], // no -f: curl succeeds on a 500
    ['curl -f http://db:8080/health', ['/bin/sh', '-c', 'curl -f http://db:8080/health']], // another host
    ['curl -f -H "X: y" http://localhost/', ['/bin/sh', '-c', 'curl -f -H "X: y" http://localhost/']], // a header httpGet would need to carry
    ['wget -q -O- http://localhost/ | grep ok', ['/bin/sh', '-c', 'wget -q -O- http://localhost/ | grep ok']],
    [['CMD', 'pg_isready'], ['pg_isready']],
    [['redis-cli', 'ping'], ['redis-cli', 'ping']],
  ] as const)('%j stays exec', (test, command) => {
    expect(probeHandler(test)).toEqual({ exec: { command } });
  });

  it('NONE and disable make no probe', () => {
    expect(probeHandler(['NONE'])).toBeUndefined();
    expect(probes({ test: 'true', interval: '30s', timeout: '30s', retries: 3, start_period: '0s', start_interval: '5s', disable: true }, true)).toEqual({});
  });

  it('durations round up to whole seconds, at least one', () => {
    const p = probes({ test: 'true', interval: '500ms', timeout: '1500ms', retries: 0, start_period: '0s', start_interval: '5s', disable: false }, false);
    expect(p.readinessProbe).toMatchObject({ periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 1 });
  });
});

describe('units', () => {
  it.each([['512m', '512Mi'], ['1g', '1Gi'], ['1.5g', '1536Mi'], ['1048576', '1Mi'], ['100k', '100Ki'], ['1000', '1000'], ['2gb', '2Gi'], ['1t', '1Ti']])('memory %s → %s', (input, out) => {
    expect(memoryQuantity(input)).toBe(out);
  });
  it.each([[0.5, '500m'], [1, '1'], [2.25, '2250m'], [0.001, '1m']])('cpus %s → %s', (input, out) => {
    expect(cpuQuantity(input)).toBe(out);
  });
  it('seconds', () => {
    expect(seconds('1m30s')).toBe(90);
    expect(seconds('0s', 0)).toBe(0);
    expect(seconds('1ms')).toBe(1);
  });
});
