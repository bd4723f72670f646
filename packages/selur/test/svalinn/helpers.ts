/** Shared helpers for the Svalinn suites. */
import { afterEach } from 'vitest';
import type { SvalinnClient } from '@selur/compose';
import { svalinnClient, type SvalinnClientOptions } from '@selur/compose-selur';
import { startFakeSvalinn, type FakeSvalinn, type FakeSvalinnOptions } from '../servers/svalinn-server.js';

/** A bundle digest as `ct` computes it (sha256 of the file). */
export const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** Tiny retry delays so retry tests stay fast. */
export const FAST_RETRY = { limit: 2, delayMs: 1, maxDelayMs: 5 } as const;

const open: FakeSvalinn[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Starts a fake (closed after the test) and a client for it with no env defaults. */
export async function setup(
  serverOptions: FakeSvalinnOptions = {},
  clientOptions: SvalinnClientOptions = {},
): Promise<{ server: FakeSvalinn; client: SvalinnClient }> {
  const server = await startFakeSvalinn(serverOptions);
  open.push(server);
  const client = svalinnClient({ url: server.url, env: {}, retry: FAST_RETRY, timeout: 5_000, ...clientOptions });
  return { server, client };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
