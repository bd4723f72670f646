import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';

describe('Admission (a bounded number of stops begin at once)', () => {
  it('admits at most `limit` at once whatever the burst, all in arrival order, and every one runs', async () => {
    for (const n of [50, 400, 2_000]) {
      const admission = new Admission(128);
      let inside = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(Array.from({ length: n }, (_, i) => admission.run(async () => {
        inside++;
        most = Math.max(most, inside);
        order.push(i);
        await Promise.resolve();
        await new Promise<void>((resolve) => setImmediate(resolve));
        inside--;
      })));
      expect(most).toBe(Math.min(n, 128));
      expect(admission.peak).toBe(Math.min(n, 128));
      expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('frees the place of a holder that throws', async () => {
    const admission = new Admission(1);
    await expect(admission.run(async () => { throw new Error('no'); })).rejects.toThrow('no');
    await expect(admission.run(async () => 42)).resolves.toBe(42);
  });
});
