import { InputProblem } from '../errors';
import type { Target } from '../target/target';
import type { WorkerSpec } from '../spec/worker-spec';
import { requiredPrivileges, type RequiredPrivilege } from './required-privileges';

/** GET /access/permissions: ACL path -> privilege -> 1 if it also holds below the path, 0 if only on it (PVE 8). */
export type PermissionTree = Record<string, Record<string, number>>;

/**
 * The privileges held on `path`, read from the tree as PVE computes them (pve-access-control AccessControl.pm
 * `roles`): a listed path has its own; an unlisted one has what propagates from its nearest ancestor that propagates
 * anything (an ancestor whose entries do not propagate passes on what is above it). PVE 7 answers 1 for everything,
 * which reads as all propagating. PVE leaves out paths where nothing is held, so a NoAccess entry on an unlisted path
 * cannot be seen and the path reads as inheriting: the preflight would rather miss a refusal than refuse a token
 * Proxmox accepts (Proxmox's own 403 still stops the create).
 */
export function privilegesOn(tree: PermissionTree, path: string): Set<string> {
  const own = tree[path];
  if (own) return new Set(Object.keys(own));
  const parts = path.split('/').filter(Boolean);
  for (let depth = parts.length - 1; depth >= 0; depth -= 1) {
    const ancestor = `/${parts.slice(0, depth).join('/')}`;
    const propagated = Object.entries(tree[ancestor] ?? {}).filter(([, flag]) => flag !== 0).map(([privilege]) => privilege);
    if (propagated.length) return new Set(propagated);
  }
  return new Set();
}

/**
 * Reads what the API token may do (one read, and the version, which decides what a privileged CT needs) and
 * names every privilege the run would be refused for, with the pveum commands that grant them.
 */
export async function checkTokenPrivileges(target: Target, spec: WorkerSpec, node: string): Promise<InputProblem[]> {
  const [tree, version] = await Promise.all([target.proxmox.permissions(), target.proxmox.version()]);
  const required = requiredPrivileges(spec, parseInt(version.release, 10), node);
  const missing = required.filter((need) => !need.privileges.some((privilege) => privilegesOn(tree, need.path).has(privilege)));
  return missing.length ? [missingPrivilegesProblem(target.build.proxmox.tokenId, missing)] : [];
}

/**
 * Where a grant must go to be there next time: Proxmox removes every ACL entry on /vms/<vmid> when it destroys the
 * guest (pve-access-control remove_vm_access, called by pve-container's destroy), so a grant on the worker's own
 * path would not survive the first cleanup. It goes on /vms, which propagates to every guest.
 */
function lastingPath(path: string): string {
  return /^\/vms\/\d+$/.test(path) ? '/vms' : path;
}

function missingPrivilegesProblem(tokenId: string, missing: RequiredPrivilege[]): InputProblem {
  const rolesByPath = new Map<string, Set<string>>();
  for (const need of missing) rolesByPath.set(lastingPath(need.path), (rolesByPath.get(lastingPath(need.path)) ?? new Set()).add(need.role));
  const grants = [...rolesByPath].map(([path, roles]) => `\`pveum acl modify ${path} --tokens '${tokenId}' --roles ${[...roles].join(',')}\``);
  const [user, tokenName] = tokenId.split('!');
  // RPCEnvironment.pm `permissions`: a separated token of root@pam holds its own grants; any other's, only those its user also holds.
  const alsoUser = user === 'root@pam' ? '' : ` and ${user} also holds`;
  const onVms = rolesByPath.has('/vms') ? ' The grant on /vms covers every guest: Proxmox removes the entries on /vms/<vmid> when it destroys the guest, so a grant there would be gone after the first cleanup.' : '';
  return {
    input: 'PROXMOX_VE_API_TOKEN',
    problem: `token ${tokenId} lacks ${missing.map((need) => `${need.privileges.join(' or ')} on ${need.path} (to ${need.use})`).join(', ')}`,
    fix:
      `grant them as an administrator: ${grants.join('; ')}.${onVms} A token with privilege separation holds only what is granted to the token${alsoUser}; ` +
      `without it (\`pveum user token modify ${user} ${tokenName} --privsep 0\`) it acts with ${user}'s privileges`,
  };
}
