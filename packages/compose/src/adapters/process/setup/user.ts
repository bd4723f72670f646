import { readFileSync } from 'node:fs';
import { ProcessUserError } from '../../../errors/process-user-error.js';
import { findProgram } from '../spawn/program-path.js';
import type { RunAs } from '../state/types.js';

/** Where user and group names are looked up (tests point them elsewhere). */
export interface AccountFiles {
  readonly passwd: string;
  readonly group: string;
}

const SYSTEM: AccountFiles = { passwd: '/etc/passwd', group: '/etc/group' };
const NUMERIC = /^\d+$/;

function table(file: string): string[][] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}

/**
 * Resolves a service's `user` (`uid`, `uid:gid`, `name`, `name:group`) and `group_add` (names or
 * gids) against /etc/passwd and /etc/group, as a container runtime does: the gid defaults to the
 * user's primary group (0 for a uid /etc/passwd does not know, as Docker does) and the
 * supplementary groups are the user's groups in /etc/group plus `group_add`.
 *
 * Undefined when there is nothing to switch: no `user`, or the current user and group. Throws
 * {@link ProcessUserError} for a name that does not resolve, for another user when this process
 * is not root (only root may switch), and when `setpriv` (util-linux), which does the switch, is
 * not on the PATH.
 */
export function resolveRunAs(service: string, user: string | undefined, groupAdd: readonly string[] = [], path: string | undefined = process.env.PATH, files: AccountFiles = SYSTEM): RunAs | undefined {
  if ((user === undefined || user === '') && groupAdd.length === 0) return undefined;
  const passwd = table(files.passwd);
  const groupTable = table(files.group);
  const groupId = (name: string, field: 'user' | 'group_add'): number => {
    if (NUMERIC.test(name)) return Number(name);
    const row = groupTable.find((g) => g[0] === name);
    if (!row || !NUMERIC.test(row[2] ?? '')) throw new ProcessUserError(service, name, 'unknown-group', field);
    return Number(row[2]);
  };
  const currentUid = process.getuid?.() ?? 0;
  const currentGid = process.getgid?.() ?? 0;
  const [userPart = '', groupPart] = (user ?? '').split(':', 2);
  let uid = currentUid;
  let gid = currentGid;
  let name: string | undefined;
  if (userPart !== '') {
    const row = NUMERIC.test(userPart) ? passwd.find((p) => p[2] === userPart) : passwd.find((p) => p[0] === userPart);
    if (!row && !NUMERIC.test(userPart)) throw new ProcessUserError(service, userPart, 'unknown-user');
    uid = Number(row?.[2] ?? userPart);
    gid = row && NUMERIC.test(row[3] ?? '') ? Number(row[3]) : 0;
    name = row?.[0];
  }
  if (groupPart !== undefined && groupPart !== '') gid = groupId(groupPart, 'user');
  const member = name === undefined ? [] : groupTable.filter((g) => (g[3] ?? '').split(',').includes(name) && NUMERIC.test(g[2] ?? '')).map((g) => Number(g[2]));
  const added = groupAdd.map((g) => groupId(g, 'group_add'));
  const groups = [...new Set([...member, ...added])].filter((g) => g !== gid);
  if (uid === currentUid && gid === currentGid && added.length === 0) return undefined;
  if (currentUid !== 0) throw new ProcessUserError(service, user || groupAdd.join(','), 'not-root', userPart !== '' ? 'user' : 'group_add');
  const setpriv = findProgram('setpriv', path);
  if (setpriv === undefined) throw new ProcessUserError(service, user || groupAdd.join(','), 'no-setpriv', userPart !== '' ? 'user' : 'group_add');
  return { uid, gid, groups, setpriv };
}
