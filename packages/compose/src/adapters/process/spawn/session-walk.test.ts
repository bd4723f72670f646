import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isGroupAlive, processStat, waitGone } from './proc.js';
import { liveMemberBeyondLeader } from './session-walk.js';

/** The threads' children lists read through node:fs since the last reset (what the walk reads of its ancestors). */
const reads = vi.hoisted(() => ({ children: [] as string[] }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && path.endsWith('/children')) reads.children.push(path);
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});

/**
 * Perl forks a leader of a new session (setsid) that runs `leaderCode` and exits; the parent
 * prints the leader's pid and never reaps it, so it stays a zombie (as a released service's
 * leader does while pid 1 has yet to reap it). Lines the leader's processes print are passed on.
 */
const spawned: ChildProcess[] = [];
const groups: number[] = [];
async function zombieLeader(leaderCode: string, lines: number): Promise<{ pgid: number; said: string[] }> {
  const source = `use POSIX; $| = 1; my $pid = fork(); if (!$pid) { POSIX::setsid(); ${leaderCode}; exit 0 } print "leader $pid\\n"; sleep 30;`;
  const parent = spawn('perl', ['-e', source], { stdio: ['ignore', 'pipe', 'ignore'] });
  spawned.push(parent);
  const said: string[] = [];
  let text = '';
  await new Promise<void>((resolve) => {
    parent.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const all = text.split('\n').filter((l) => l !== '');
      if (all.length >= lines + 1) {
        said.push(...all);
        resolve();
      }
    });
  });
  const pgid = Number(said.find((l) => l.startsWith('leader '))?.split(' ')[1]);
  groups.push(pgid);
  // the leader exits once its processes said what they had to: wait until it is a zombie
  for (let i = 0; i < 200 && processStat(pgid)?.state !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(processStat(pgid)?.state).toBe('Z');
  return { pgid, said };
}

/** The walk's answer; a walk that saw processes move on this busy host (undefined) is retried, a few times. */
function walked(pgid: number): boolean | undefined {
  let outcome: boolean | undefined;
  for (let i = 0; i < 5 && outcome === undefined; i++) {
    const leader = processStat(pgid);
    if (!leader) return undefined;
    outcome = liveMemberBeyondLeader(pgid, leader, processStat);
  }
  return outcome;
}

afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const child of spawned.splice(0)) child.kill('SIGKILL');
});

describe('the walk of a zombie leader\'s session (no scan of every process)', () => {
  it('finds nothing in the group of a zombie leader alone', async () => {
    const { pgid } = await zombieLeader('', 0);
    expect(walked(pgid)).toBe(false);
    expect(isGroupAlive(pgid)).toBe(false);
    expect(await waitGone(pgid, 2_000)).toBe(true);
  });

  it('finds a member the leader left behind, handed to its adopter, until it ends', async () => {
    const { pgid, said } = await zombieLeader(`my $m = fork(); if (!$m) { $SIG{TERM} = 'IGNORE'; print "member $$\\n"; sleep 30; exit 0 }`, 1);
    const member = Number(said.find((l) => l.startsWith('member '))?.split(' ')[1]);
    expect(processStat(member)?.pgrp).toBe(pgid);
    expect(processStat(member)?.ppid).not.toBe(pgid); // orphaned: adopted by init or a subreaper
    expect(walked(pgid)).toBe(true);
    expect(isGroupAlive(pgid)).toBe(true);
    process.kill(-pgid, 'SIGTERM'); // ignored by the member
    expect(await waitGone(pgid, 300)).toBe(false);
    process.kill(-pgid, 'SIGKILL');
    expect(await waitGone(pgid, 2_000)).toBe(true);
    expect(walked(pgid)).toBe(false);
  });

  it('finds a member below a process of the session that moved to a group of its own', async () => {
    // P: its own group, same session; its child M rejoins the leader's group. P outlives the leader.
    const code = `my $l = $$; my $p = fork(); if (!$p) { setpgid(0, 0); my $m = fork(); if (!$m) { setpgid(0, $l); print "member $$\\n"; sleep 30; exit 0 } sleep 30; exit 0 } select(undef, undef, undef, 0.3)`;
    const { pgid, said } = await zombieLeader(code, 1);
    const member = Number(said.find((l) => l.startsWith('member '))?.split(' ')[1]);
    expect(processStat(member)?.pgrp).toBe(pgid);
    expect(walked(pgid)).toBe(true);
    process.kill(member, 'SIGKILL');
    // the member is now a zombie its parent has yet to reap: not alive, though the walk gives way to a scan
    expect(await waitGone(pgid, 2_000)).toBe(true);
    expect(isGroupAlive(pgid)).toBe(false);
  });

  it('leaves out a process that started a session of its own', async () => {
    const { pgid, said } = await zombieLeader(`my $s = fork(); if (!$s) { POSIX::setsid(); print "away $$\\n"; sleep 30; exit 0 }`, 1);
    const away = Number(said.find((l) => l.startsWith('away '))?.split(' ')[1]);
    groups.push(away);
    expect(processStat(away)?.session).toBe(away);
    expect(walked(pgid)).toBe(false);
    expect(await waitGone(pgid, 2_000)).toBe(true);
  });

  it('gives up (the caller scans) when it would read more processes than its bound: the ancestors\' children count too', async () => {
    const { pgid } = await zombieLeader('', 0);
    expect(walked(pgid)).toBe(false);
    const leader = processStat(pgid);
    expect(leader).toBeDefined();
    // the leader's ancestors have other children (this test's process has the leader's perl parent): more than 0 reads
    reads.children.splice(0);
    if (leader) expect(liveMemberBeyondLeader(pgid, leader, processStat, 0)).toBeUndefined();
    // past the bound at the first ancestor with other children (this process: the perl parent is
    // its child), the ancestors above it are not read
    const above = leader ? processStat(process.pid)?.ppid : undefined;
    expect(reads.children.some((path) => path.startsWith(`/proc/${process.pid}/task/`))).toBe(true);
    expect(reads.children.filter((path) => path.startsWith(`/proc/${above}/task/`) || path.startsWith('/proc/1/task/'))).toEqual([]);
  });

  it('cannot tell for a leader that does not lead its own session (its members need not descend from it)', () => {
    const leader = { state: 'Z', ppid: 1, pgrp: 4_000_001, session: 4_000_000, startTime: '1' };
    expect(liveMemberBeyondLeader(4_000_001, leader, processStat)).toBeUndefined();
    // pid 1's children (however many a busy host gives it), none in that session: false, or
    // undefined when an orphan was handed to pid 1 while it read (other tests' processes): retried
    const answers: (boolean | undefined)[] = [];
    for (let i = 0; i < 20 && answers.at(-1) !== false; i++) answers.push(liveMemberBeyondLeader(4_000_001, { ...leader, session: 4_000_001 }, () => undefined, Number.POSITIVE_INFINITY));
    expect(answers.at(-1)).toBe(false);
    expect(answers).not.toContain(true);
  });
});
