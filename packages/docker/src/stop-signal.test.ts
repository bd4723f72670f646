import { describe, expect, it } from 'vitest';
import type { ContainerCreateBody } from './mapping/engine-types.js';
import { LABEL_STOP_SIGNAL, labelStopSignal, signalName, stopSignalOfLabels } from './stop-signal.js';

const body = (labels: Record<string, string>, stopSignal?: string): ContainerCreateBody =>
  ({ Image: 'busybox', Labels: labels, HostConfig: {}, ...(stopSignal !== undefined ? { StopSignal: stopSignal } : {}) }) as unknown as ContainerCreateBody;

describe('stop-signal label', () => {
  it('labels a create body with the stop signal it names, and a listing reads it back', () => {
    const b = body({ team: 'x' }, 'SIGINT');
    labelStopSignal(b);
    expect(b.Labels).toEqual({ team: 'x', [LABEL_STOP_SIGNAL]: 'SIGINT' });
    expect(stopSignalOfLabels(b.Labels)).toBe('SIGINT');
  });

  it('drops a label of that name the service set itself when the create names no signal (the image decides then)', () => {
    const b = body({ [LABEL_STOP_SIGNAL]: 'SIGKILL' });
    labelStopSignal(b);
    expect(b.Labels).toEqual({});
    expect(stopSignalOfLabels(b.Labels)).toBeUndefined();
    expect(stopSignalOfLabels(null)).toBeUndefined();
  });

  it('names signals alike however they are written', () => {
    expect(['SIGTERM', 'term', '15', ' TERM '].map(signalName)).toEqual(['TERM', 'TERM', 'TERM', 'TERM']);
    expect(signalName('SIGKILL')).toBe('KILL');
  });
});
