import { closeSync, openSync, readFileSync, readSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * Who answers on a host port, from `/proc` (Linux): the sockets listening on it
 * (`/proc/net/tcp`, `tcp6`; bound UDP sockets in `udp`, `udp6`) matched by inode against the
 * file descriptors of a service's process tree. So a probe of `127.0.0.1:PORT` that another
 * project's server answers is not taken for the service being ready.
 */

/** What {@link portOwner} found. */
export type PortOwner =
  /** A socket of the service's own processes listens on the port. */
  | { readonly owner: 'self' }
  /** Sockets listen on the port, none of them the service's: `pids` are the holders this user may see. */
  | { readonly owner: 'other'; readonly pids: readonly number[] }
  /** Nothing listens on it, or there is no `/proc` to tell. */
  | { readonly owner: 'unknown' };

const LISTEN = '0A';
const UDP_BOUND = '07';

/**
 * Inodes of the sockets listening on `port` (bound, for UDP); undefined without `/proc/net`.
 *
 * TCP reads only the head of `/proc/net/tcp{,6}`: the kernel lists the listening sockets first,
 * then walks the whole established-connections hash table, whose size follows the machine's
 * memory, not the sockets in it. A whole read took 8–70 ms (of kernel time, on this thread) on a
 * 24 GiB machine with ~1,000 sockets; the listeners alone, read a page at a time and left at the
 * first socket that does not listen, take well under a millisecond. UDP has no such order: its
 * files are read whole.
 */
export function listeningInodes(port: number, protocol: 'tcp' | 'udp'): Set<string> | undefined {
  const files = protocol === 'udp' ? ['/proc/net/udp', '/proc/net/udp6'] : ['/proc/net/tcp', '/proc/net/tcp6'];
  const wanted = protocol === 'udp' ? UDP_BOUND : LISTEN;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  let readable = false;
  for (const file of files) {
    const lines = protocol === 'tcp' ? listenerLines(file) : wholeLines(file);
    if (lines === undefined) continue;
    readable = true;
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const local = fields[1];
      if (local === undefined || fields[3] !== wanted || local.slice(local.lastIndexOf(':') + 1) !== hexPort) continue;
      const inode = fields[9];
      if (inode !== undefined && inode !== '0') inodes.add(inode);
    }
  }
  return readable ? inodes : undefined;
}

/** The socket lines of a `/proc/net` file (its header dropped); undefined when it cannot be read. */
function wholeLines(file: string): string[] | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(1);
  } catch {
    return undefined;
  }
}

/** The lines of the listening TCP sockets at the head of `file`, read a page at a time (see {@link listeningInodes}). */
function listenerLines(file: string): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  const out: string[] = [];
  const page = Buffer.alloc(4096);
  let partial = '';
  let header = true;
  try {
    for (;;) {
      const got = readSync(fd, page, 0, page.length, null);
      if (got === 0) return out;
      const lines = (partial + page.toString('latin1', 0, got)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        if (line.trim().split(/\s+/)[3] !== LISTEN) return out; // the listeners are over
        out.push(line);
      }
    }
  } catch {
    return out.length > 0 ? out : undefined;
  } finally {
    closeSync(fd);
  }
}

/** The socket inodes among `pid`'s open files (none when they cannot be read). */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target.startsWith('socket:[')) out.add(target.slice('socket:['.length, -1));
  }
  return out;
}

/** Direct children of `pid` (every thread's), from `/proc/<pid>/task/<tid>/children`. */
function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      return undefined; // a kernel without CONFIG_PROC_CHILDREN
    }
    for (const word of text.split(' ')) if (word.trim() !== '') out.push(Number(word));
  }
  return out;
}

/** Processes whose process group is `pgid` (a scan of `/proc`). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Bound on the processes of one service looked at (a fork bomb is not walked). */
const MAX_TREE = 4096;

/** `root` and its descendants (and, when the kernel does not list children, its process group). */
export function processTree(root: number): number[] {
  const seen = new Set<number>([root]);
  const queue = [root];
  let listed = true;
  while (queue.length > 0 && seen.size < MAX_TREE) {
    const pid = queue.shift() as number;
    const children = childrenOf(pid);
    if (children === undefined) {
      listed = false;
      break;
    }
    for (const child of children) {
      if (seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  if (!listed) for (const pid of groupMembers(root)) seen.add(pid);
  return [...seen];
}

/** The processes (of those this user may read) that hold one of `inodes`, at most `limit`. */
function holders(inodes: ReadonlySet<string>, exclude: ReadonlySet<number>, limit = 4): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (out.length >= limit) break;
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (exclude.has(pid)) continue;
    for (const inode of socketInodes(pid)) {
      if (inodes.has(inode)) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/**
 * Whether the process tree of `rootPid` is what listens on `port`: `self` when one of its
 * processes holds a listening socket of the port, `other` when sockets listen there but none is
 * its own, `unknown` when nothing listens (or `/proc` cannot tell).
 */
export function portOwner(rootPid: number, port: number, protocol: 'tcp' | 'udp'): PortOwner {
  const inodes = listeningInodes(port, protocol);
  if (inodes === undefined || inodes.size === 0) return { owner: 'unknown' };
  const tree = new Set(processTree(rootPid));
  const holds = (pid: number) => [...socketInodes(pid)].some((inode) => inodes.has(inode));
  for (const pid of tree) if (holds(pid)) return { owner: 'self' };
  // A descendant that left the tree (double fork) but kept the group is the service's too.
  for (const pid of groupMembers(rootPid)) {
    if (tree.has(pid)) continue;
    tree.add(pid);
    if (holds(pid)) return { owner: 'self' };
  }
  return { owner: 'other', pids: holders(inodes, tree) };
}
