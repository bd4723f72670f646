/**
 * Issue 14, the last look of `up --wait`: once every service is ready, `up()` looks at the
 * project's containers once more (one that exited meanwhile fails the run). Through Docker a full
 * listing is a listing and then an inspection of each container, a second round trip at the end
 * of every `up`; a brief listing tells the state (and an exit's code) in one.
 *
 * The runtime below answers a brief listing as Docker does (no `pid`, `startedAt` nor
 * `restartCount`), and records the listings and inspections in order.
 */
import { describe, expect, test } from 'vitest';
import { Project, type ContainerInfo, type ListOptions } from '@selur/compose';
import { MemoryRuntime, type ServiceBehaviour } from '../support/memory-runtime.js';
import { FAST, rejection } from './helpers.js';

class BriefListing extends MemoryRuntime {
  /** `list`, `list brief` and `inspect <service>`, in order. */
  readonly looks: string[] = [];
  /** Run before each listing (a container that dies right before the last look). */
  beforeListing: (() => void) | undefined;
  /** Leave an exit's code out of a brief listing (a status text that does not tell it). */
  briefWithoutExitCode = false;

  constructor(behaviours: Record<string, ServiceBehaviour> = {}) {
    super({ behaviours });
  }

  override async listContainers(project: string, options: ListOptions = {}): Promise<readonly ContainerInfo[]> {
    this.beforeListing?.();
    this.looks.push(options.brief === true ? 'list brief' : 'list');
    const listed = await super.listContainers(project);
    if (options.brief !== true) return listed;
    return listed.map(({ pid: _pid, startedAt: _startedAt, restartCount: _restarts, ...c }) => ({ ...c, ...(this.briefWithoutExitCode ? { exitCode: undefined } : {}) }));
  }

  override async inspectContainer(id: string): Promise<ContainerInfo> {
    const info = await super.inspectContainer(id);
    this.looks.push(`inspect ${info.service}`);
    return info;
  }

  /** What was asked after the last listing. */
  afterLastListing(): string[] {
    const last = this.looks.findLastIndex((l) => l.startsWith('list'));
    return this.looks.slice(last);
  }
}

const name = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 8)}`;

describe("up's last look", () => {
  test('is one brief listing: no inspection of a container that runs as it started (and returns what its start told, with the health of now)', async () => {
    const runtime = new BriefListing({ db: { healthyAfterProbes: 1 } });
    const project = new Project(name('lastlook'))
      .service('db', { command: ['db'], healthcheck: { test: ['CMD', 'ready'], interval: '1s', retries: 3 } })
      .service('web', { command: ['web'], depends_on: { db: { condition: 'service_healthy' } } });
    const stack = await project.up({ ...FAST, runtime, wait: true });
    try {
      expect(runtime.afterLastListing()).toEqual(['list brief']);
      expect(stack.services().flatMap((s) => s.containers()).map((c) => [c.service, c.state, c.startedAt !== undefined, c.pid !== undefined])).toEqual([
        ['db', 'running', true, true],
        ['web', 'running', true, true],
      ]);
    } finally {
      await stack.down();
    }
  });

  test('inspects a container a restart policy may have restarted since its start', async () => {
    const runtime = new BriefListing();
    const project = new Project(name('lastlook-restart')).service('web', { command: ['web'], restart: 'always' }).service('job', { command: ['job'] });
    const stack = await project.up({ ...FAST, runtime, wait: true });
    try {
      expect(runtime.afterLastListing()).toEqual(['list brief', 'inspect web']);
      expect(stack.service('web').containers()[0]?.startedAt).toBeDefined();
    } finally {
      await stack.down();
    }
  });

  test('still fails the run for a container that exited after it was ready, with its code (read by an inspection when the listing does not tell it)', async () => {
    for (const withoutCode of [false, true]) {
      const runtime = new BriefListing();
      runtime.briefWithoutExitCode = withoutCode;
      runtime.beforeListing = () => {
        const web = runtime.all().find((c) => c.service === 'web');
        if (web) runtime.exit(web.id, 3);
      };
      const project = new Project(name('lastlook-exit')).service('web', { command: ['web'] });
      const error = await rejection(project.up({ ...FAST, runtime, wait: true }));
      expect(error).toMatchObject({ service: 'web', exitCode: 3 });
    }
  });
});
