import { describe, expect, it } from 'vitest';
import { guessContainerName, identityOf, parseProjectContainerName } from './naming.js';

describe('container names', () => {
  it('reads service and replica under a known project, services with underscores included', () => {
    expect(parseProjectContainerName('shop', 'shop_api_1')).toEqual({ service: 'api', replica: 1 });
    expect(parseProjectContainerName('shop', 'shop_order_worker_12')).toEqual({ service: 'order_worker', replica: 12 });
    expect(parseProjectContainerName('shop', 'shopping_api_1')).toBeUndefined();
    expect(parseProjectContainerName('shop', 'shop_api')).toBeUndefined();
    expect(parseProjectContainerName('shop', 'shop_api_0')).toBeUndefined();
  });

  it('guesses from the name alone, and prefers recorded labels', () => {
    expect(guessContainerName('my_shop_api_2')).toEqual({ project: 'my_shop', service: 'api', replica: 2 });
    expect(guessContainerName('vordr-0123')).toBeUndefined();
    const labels = { 'io.selur.compose.project': 'my', 'io.selur.compose.service': 'shop_api', 'io.selur.compose.replica': '2' };
    expect(identityOf('my_shop_api_2', labels)).toEqual({ project: 'my', service: 'shop_api', replica: 2 });
  });
});
