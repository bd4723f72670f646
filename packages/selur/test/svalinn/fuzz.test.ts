import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSvalinnError, svalinnClient } from '@selur/compose-selur';

const TOKEN = 'tok-SECRET-fuzz-91f2';

describe('any answer from Svalinn becomes a typed error or a value, never a crash or a leak', () => {
  it('random statuses and bodies through a custom fetch', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constant(''),
      fc.json({ maxDepth: 2 }),
      fc.record({ error: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(`bad token ${TOKEN}`), fc.integer()), details: fc.oneof(fc.constant(undefined), fc.array(fc.json({ maxDepth: 1 }), { maxLength: 2 }), fc.string()) }).map((o) => JSON.stringify(o)),
      fc.record({ error: fc.string({ maxLength: 20 }), rokur: fc.json({ maxDepth: 1 }) }).map((o) => JSON.stringify(o)),
    );
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 599 }), body, async (status, text) => {
        const noBody = status === 204 || status === 205 || status === 304;
        const fetchImpl = (async () => {
          calls += 1;
          return new Response(noBody ? null : text, { status, headers: { 'content-type': 'application/json' } });
        }) as typeof fetch;
        const client = svalinnClient({ url: 'http://127.0.0.1:9', token: TOKEN, env: {}, retry: 0, fetch: fetchImpl });
        try {
          const value = await client.policies();
          expect(status).toBeLessThan(400);
          expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
        } catch (error) {
          expect(isSvalinnError(error)).toBe(true);
          expect(inspect(error, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
          expect(JSON.stringify(error)).not.toContain(TOKEN);
          if (status >= 400) expect((error as { status?: number }).status).toBe(status);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(calls).toBe(300); // the custom fetch was used, and retry: 0 means one call each
  });
});
