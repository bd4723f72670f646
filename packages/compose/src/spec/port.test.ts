import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatPort, parsePort, parsePorts } from './port.js';

describe('ports', () => {
  it.each([
    ['80', { protocol: 'tcp', target: 80 }],
    ['8080:80', { protocol: 'tcp', published: 8080, target: 80 }],
    ['0:80', { protocol: 'tcp', published: 0, target: 80 }],
    ['127.0.0.1:8080:80/udp', { host_ip: '127.0.0.1', protocol: 'udp', published: 8080, target: 80 }],
    ['[::1]:8080:80', { host_ip: '::1', protocol: 'tcp', published: 8080, target: 80 }],
  ])('parses %s', (text, spec) => {
    expect(parsePort(text)).toEqual(spec);
    expect(JSON.stringify(parsePort(text))).toBe(JSON.stringify(spec)); // sorted keys
    expect(formatPort(parsePort(text))).toBe(text);
  });

  it('accepts numbers and the long form', () => {
    expect(parsePort(443)).toEqual({ protocol: 'tcp', target: 443 });
    expect(parsePort({ target: 53, published: 5353, protocol: 'udp', host_ip: '0.0.0.0' })).toEqual({ host_ip: '0.0.0.0', protocol: 'udp', published: 5353, target: 53 });
  });

  it.each(['', 'http', '80:http', '70000:80', '8080:0', '1.2.3.4:80', '999.0.0.1:80:80', '80/sctp', '1:2:3:4'])('rejects %j naming the field', (text) => {
    expect(() => parsePort(text, 'services.api.ports[1]')).toThrow(/^services\.api\.ports\[1\]: .*expected "CONTAINER", "HOST:CONTAINER"/);
  });

  it('rejects bad long forms', () => {
    expect(() => parsePort({ target: 0 })).toThrow(/1-65535/);
    expect(() => parsePort({ target: 80, protocol: 'sctp' })).toThrow(/protocol/);
    expect(() => parsePort({ target: 80, extra: 1 })).toThrow(/unknown key 'extra'/);
    expect(() => parsePort(null)).toThrow(/wrong type/);
  });

  it('property: format then parse is the identity', () => {
    const spec = fc.record({
      target: fc.integer({ min: 1, max: 65535 }),
      published: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const),
    });
    fc.assert(
      fc.property(spec, (s) => {
        const parsed = parsePort(formatPort(s));
        expect(parsed).toEqual(JSON.parse(JSON.stringify(s)));
      }),
    );
  });
});

describe('port ranges', () => {
  it('expand to one spec per port', () => {
    expect(parsePorts('8000-8002:9000-9002').map(formatPort)).toEqual(['8000:9000', '8001:9001', '8002:9002']);
    expect(parsePorts('9000-9001').map(formatPort)).toEqual(['9000', '9001']);
    expect(parsePorts('127.0.0.1:8000-8001:80-81/udp').map(formatPort)).toEqual(['127.0.0.1:8000:80/udp', '127.0.0.1:8001:81/udp']);
    expect(parsePorts('8080:80')).toEqual([parsePort('8080:80')]);
  });

  it('reject mismatched, backwards and oversized ranges', () => {
    expect(() => parsePorts('8000-8002:80-81', 'p')).toThrow(/differ in length/);
    expect(() => parsePorts('90-80', 'p')).toThrow(/backwards/);
    expect(() => parsePorts('1-65535', 'p')).toThrow(/more than 1000/);
    expect(() => parsePorts('8000-8002:80', 'p')).toThrow(/^p: /);
  });
});
