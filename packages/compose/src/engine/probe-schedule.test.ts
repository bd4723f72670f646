import { describe, expect, it } from 'vitest';
import { firstProbeDelay, healthcheckDelay, PORT_PENDING_MS } from './probe-schedule.js';

describe('the delay before a healthcheck probe', () => {
  it('keeps the paced schedule once a published port is open, or for a service that publishes none', () => {
    expect(healthcheckDelay({ pacedMs: 12, capMs: 1_000, portPending: false })).toBe(12);
    expect(healthcheckDelay({ pacedMs: 400, capMs: 1_000, portPending: false })).toBe(400);
  });

  it('waits at least PORT_PENDING_MS while the published ports are all closed (the port hint wakes the check earlier)', () => {
    expect(PORT_PENDING_MS).toBeGreaterThan(12);
    expect(healthcheckDelay({ pacedMs: 12, capMs: 1_000, portPending: true })).toBe(PORT_PENDING_MS);
    // a paced delay longer than that stays as it is
    expect(healthcheckDelay({ pacedMs: PORT_PENDING_MS + 50, capMs: 1_000, portPending: true })).toBe(PORT_PENDING_MS + 50);
  });

  it('never waits beyond the cap: start_interval or interval shorter than PORT_PENDING_MS is honoured', () => {
    expect(healthcheckDelay({ pacedMs: 5, capMs: 20, portPending: true })).toBe(20);
    expect(healthcheckDelay({ pacedMs: 50, capMs: 20, portPending: false })).toBe(20);
    expect(healthcheckDelay({ pacedMs: 50, capMs: 20, portPending: true })).toBe(20);
  });

  it('probes at once at the start, unless the published ports are all closed: then PORT_PENDING_MS later, within the cap', () => {
    expect(firstProbeDelay({ capMs: 1_000, portPending: false })).toBe(0);
    expect(firstProbeDelay({ capMs: 1_000, portPending: true })).toBe(PORT_PENDING_MS);
    expect(firstProbeDelay({ capMs: 20, portPending: true })).toBe(20);
  });
});
