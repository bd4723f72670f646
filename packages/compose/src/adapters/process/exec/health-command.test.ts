import { describe, expect, it } from 'vitest';
import { healthArgv } from './health-command.js';

const check = (test: string | string[], disable = false) => ({ test, interval: '30s', timeout: '30s', retries: 3, start_period: '0s', start_interval: '5s', disable }) as const;

describe('healthArgv', () => {
  it('runs a string through sh -c', () => expect(healthArgv(check('curl -f localhost'))).toEqual(['sh', '-c', 'curl -f localhost']));
  it('understands Docker CMD and CMD-SHELL forms', () => {
    expect(healthArgv(check(['CMD', 'test', '-f', '/x']))).toEqual(['test', '-f', '/x']);
    expect(healthArgv(check(['CMD-SHELL', 'exit 0']))).toEqual(['sh', '-c', 'exit 0']);
  });
  it('takes any other array as a plain argv', () => expect(healthArgv(check(['true']))).toEqual(['true']));
  it('has nothing to run when disabled, NONE or empty', () => {
    expect(healthArgv(check('exit 0', true))).toBeUndefined();
    expect(healthArgv(check(['NONE']))).toBeUndefined();
    expect(healthArgv(check(''))).toBeUndefined();
    expect(healthArgv(undefined)).toBeUndefined();
  });
});
