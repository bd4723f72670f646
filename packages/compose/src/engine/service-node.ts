import type { ContainerInfo } from '../runtime/types.js';

/** @internal A promise with its resolvers. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** @internal */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** @internal The scheduler's state of one service during a run. */
export class ServiceNode {
  readonly name: string;
  readonly started = deferred<void>();
  hasStarted = false;
  /** A start was sent to the runtime (it may have failed): such a service was attempted, not skipped. */
  startSent = false;
  containers: ContainerInfo[] = [];
  ready?: Promise<void>;
  completed?: Promise<number>;

  constructor(name: string) {
    this.name = name;
  }
}
