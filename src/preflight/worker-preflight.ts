import { readFileSync } from 'node:fs';
import { anotherRunProblem, otherLiveBuilder } from '../cleanup/run-liveness';
import { nodeAt } from '../cleanup/run-mark';
import { ConfigurationError, InputProblem } from '../errors';
import { hashCa } from '../k3s/ca-hash';
import { NODE_PASSWORD_NAMESPACE, nodePasswordSecretName } from '../k3s/node-password';
import { parseNodeToken } from '../k3s/node-token';
import { askSupervisor } from '../k3s/supervisor-check';
import { unlessNotFound } from '../kube/cluster-client';
import { nodeReadiness } from '../kube/node-readiness';
import { readCapacity } from '../provisioning/host-capacity';
import type { InstallChoice } from '../provisioning/install-choice';
import { placeWorker, type NodePlacement } from '../provisioning/node-placement';
import type { RunIdentity } from '../provisioning/work-context';
import type { NodeAccess } from '../target/node-access';
import { statementProblems } from '../spec/criterion-statements';
import type { WorkerSpec } from '../spec/worker-spec';
import type { Target } from '../target/target';
import { accessNeeds } from '../kube/access-needs';
import { missingAccess } from './kubernetes-access';
import { checkTokenPrivileges } from './token-privileges';

/** What the preflight knows besides the table: the feature's steps that state values, and which run is asking. */
export interface WorkerPreflightContext {
  /** Step texts of the feature's scenarios that build this worker (their stated values are checked). */
  statements?: readonly string[];
  run?: RunIdentity;
  /** The k3s release the run would install (src/provisioning/install-choice.ts); its refusal is an input problem. */
  installChoice?: () => Promise<InstallChoice>;
  /** Where the worker goes (src/provisioning/node-placement.ts); default: placed now. */
  placement?: () => Promise<NodePlacement>;
}

/**
 * What can be known about this worker before anything is created, all checked and reported together: the steps
 * agree with the table, the API token's privileges, the Kubernetes credentials' rights, the template and storage it needs, room on the node, a VMID
 * that is free (or this worker's, and not being built by another run), a hostname the cluster will accept, a join
 * token the server accepts and a K3S_URL that belong to this cluster. Only reads.
 */
export async function workerPreflight(target: Target, spec: WorkerSpec, context: WorkerPreflightContext = {}): Promise<InputProblem[]> {
  const statements = statementProblems(spec, context.statements ?? []);
  const placement = await (context.placement?.() ?? placeWorker(target, spec));
  const node = target.node(placement.node);
  const choice = await context.installChoice?.().catch((error: unknown) => (error instanceof ConfigurationError ? error : Promise.reject(error)));
  const installProblems = choice instanceof ConfigurationError ? choice.problems : [];
  const installVersion = choice instanceof ConfigurationError ? undefined : choice?.version;
  const [privileges, access] = await Promise.all([checkTokenPrivileges(target, spec, placement.node), missingAccess(target, accessNeeds('story', spec.hostname))]);
  // The Proxmox reads below need some of those privileges: without them Proxmox would answer a 403 (or leave the
  // storage out of its list), which says less than the missing privileges already found.
  const proxmoxReadable = privileges.length === 0;
  const checks = await Promise.all([
    checkK3sUrl(target, spec),
    checkNodeToken(target),
    proxmoxReadable ? checkStorageAndTemplate(node, spec) : [],
    proxmoxReadable ? checkBridge(node, spec) : [],
    proxmoxReadable ? checkVmid(target, spec, context.run) : [],
    proxmoxReadable ? checkCapacity(node, spec) : [],
    // Without the right to read its node and node-password secret, the API server would answer a bare 403.
    proxmoxReadable && access.length === 0 ? checkHostnameInCluster(target, spec, installVersion) : [],
    proxmoxReadable ? checkRootShell(node) : [],
  ]);
  return [...statements, ...installProblems, ...privileges, ...access, ...unfitCluster(placement), ...checks.flat()];
}

async function checkK3sUrl(target: Target, spec: WorkerSpec): Promise<InputProblem[]> {
  const url = target.config.k3s.url;
  const { host, port } = spec.controlPlane;
  if (!url || (url.hostname === host && Number(url.port || 443) === port)) return [];
  return [{ input: `K3S_URL "${url.href}"`, problem: `names another server than the feature's control plane ${host}:${port}`, fix: 'make them agree, or unset K3S_URL' }];
}

const TOKEN_FIX = 'copy it again from /var/lib/rancher/k3s/server/node-token on this cluster\'s server (`sudo cat` it there)';

/**
 * The token's form as k3s parses it, then the token itself, proven with the request an agent's bootstrap makes
 * (src/k3s/supervisor-check.ts), and the CA it pins against the cluster's: a token the server would refuse is an
 * input problem found in seconds, not an installer that hangs until its deadline.
 */
async function checkNodeToken(target: Target): Promise<InputProblem[]> {
  const token = parseNodeToken(target.build.k3sToken);
  const server = target.cluster.server;
  if ('problem' in token) {
    return [{ input: 'K3S_TOKEN', problem: `is not a k3s join token: ${token.problem}`, fix: TOKEN_FIX }];
  }
  const caPem = clusterCaPem(target);
  const problems: InputProblem[] = [];
  if (token.caHash && caPem) {
    const actual = hashCa(caPem);
    if (actual !== token.caHash) {
      problems.push({
        input: 'K3S_TOKEN',
        problem: `was issued by another cluster: its CA hash ${token.caHash.slice(0, 12)}… is not the hash ${actual.slice(0, 12)}… of the cluster CA in KUBECONFIG (k3s would say "token CA hash does not match the Cluster CA certificate hash")`,
        fix: TOKEN_FIX,
      });
      return problems;
    }
  }
  let verdict;
  try {
    verdict = await askSupervisor(server, caPem, token, target.services.waits.timeout('proxmox-request'));
  } catch (error) {
    return [{ input: 'K3S_TOKEN', problem: `could not be checked: the k3s supervisor at ${server} did not answer (${(error as Error).cause ?? (error as Error).message})`, fix: 'check that the k3s server is up (`systemctl status k3s` on it) and reachable from here' }];
  }
  if (verdict.accepted) return problems;
  if (verdict.status === 401 || verdict.status === 403) {
    problems.push({ input: 'K3S_TOKEN', problem: `was rejected by the server at ${server}: ${verdict.status} ${verdict.reason} (GET /v1-k3s/readyz, as an agent authenticates)`, fix: TOKEN_FIX });
  } else if (verdict.status === 404) {
    problems.push({ input: `KUBECONFIG server ${server}`, problem: 'is not a k3s server: GET /v1-k3s/readyz answered 404, so a k3s agent cannot join it', fix: 'point KUBECONFIG at the k3s cluster the worker joins' });
  } else {
    problems.push({ input: `KUBECONFIG server ${server}`, problem: `is not ready to admit agents: GET /v1-k3s/readyz answered ${verdict.status} ${verdict.reason}`, fix: 'wait for the k3s server to be ready (`k3s kubectl get --raw /readyz` on it) and run again' });
  }
  return problems;
}

function clusterCaPem(target: Target): string | undefined {
  const cluster = target.cluster.kubeconfig.getCurrentCluster();
  if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  if (cluster?.caFile) {
    try {
      return readFileSync(cluster.caFile, 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** In a cluster where no node has everything, the refusal says so, and which node the details below are about. */
function unfitCluster(placement: NodePlacement): InputProblem[] {
  if (!placement.unfit || placement.considered.length < 2) return [];
  return [{
    input: 'PROXMOX_VE_NODE (unset)',
    problem: `no online node of the cluster has all the worker needs (${placement.considered.join('; ')}); the problems below are node ${placement.node}'s, the closest`,
    fix: 'free what one node lacks, choose smaller sizes, or set PROXMOX_VE_NODE to the node you mean',
  }];
}

/** The bridge of net0 exists on the node (a missing one passes create and fails vzstart). */
async function checkBridge(node: NodeAccess, spec: WorkerSpec): Promise<InputProblem[]> {
  const bridges = await node.proxmox.bridges();
  if (bridges.includes(spec.bridge)) return [];
  return [{
    input: `bridge "${spec.bridge}"`,
    problem: `does not exist on node ${node.name} (it has ${bridges.join(', ') || 'no bridge the token may see'}); Proxmox would create the container and fail to start it`,
    fix: `name one of those, or create the bridge on ${node.name} (System > Network)`,
  }];
}

/** The node's root shell is reachable and is that node (ConfigurationError from src/target/node-access.ts). */
async function checkRootShell(node: NodeAccess): Promise<InputProblem[]> {
  try {
    await node.host();
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    return [{ input: `the root SSH of node ${node.name}`, problem: (error as Error).message, fix: 'check its address, port, key and host key' }];
  }
}

async function checkStorageAndTemplate(node: NodeAccess, spec: WorkerSpec): Promise<InputProblem[]> {
  const problems: InputProblem[] = [];
  const storages = await node.proxmox.storages();
  const storage = storages.find((candidate) => candidate.storage === spec.storage);
  if (!storage) {
    problems.push({ input: `storage "${spec.storage}"`, problem: `does not exist on node ${node.name} (it has ${storages.map((s) => s.storage).join(', ') || 'none'})`, fix: 'name one of those in the specification' });
  } else if (!storage.content.split(',').includes('rootdir')) {
    problems.push({ input: `storage "${spec.storage}"`, problem: `does not hold container volumes (content: ${storage.content})`, fix: 'pick a storage whose content includes "rootdir", or add it under Datacenter > Storage' });
  }
  const templateStorage = spec.template.split(':')[0];
  const templateStore = storages.find((candidate) => candidate.storage === templateStorage);
  const templates = templateStore ? await node.proxmox.templates(templateStorage) : [];
  if (!templates.includes(spec.template)) {
    problems.push({
      input: `template "${spec.template}"`,
      problem: templateStore ? `is not on storage "${templateStorage}" (it has: ${templates.join(', ') || 'no templates'})` : `names storage "${templateStorage}", which node ${node.name} does not have`,
      fix: `download it on the node: \`pveam update && pveam download ${templateStorage} ${spec.template.split('/').pop()}\``,
    });
  }
  return problems;
}

/** VMIDs are the cluster's: a guest at this one on any node, QEMU VMs included, is checked. */
async function checkVmid(target: Target, spec: WorkerSpec, run: RunIdentity | undefined): Promise<InputProblem[]> {
  const existing = await target.proxmox.locate(spec.vmid);
  if (!existing) return [];
  const node = target.node(existing.node).proxmox;
  // A container still being created has no hostname yet (vm_status names it CT<vmid>): whose it is, its ledger says.
  const builder = existing.type === 'lxc' && run ? await otherLiveBuilder(node, spec.vmid, run) : undefined;
  if (builder) return [anotherRunProblem(spec, builder)];
  if (existing.type !== 'lxc' || existing.name !== spec.hostname) {
    const what = existing.type === 'qemu' ? `VM "${existing.name}"` : `"${existing.name}"`;
    return [{ input: `vmid "${spec.vmid}"`, problem: `is already used by ${what} on node ${existing.node}, which the suite will not touch`, fix: 'pick a free VMID (`pvesh get /cluster/nextid` suggests one)' }];
  }
  return [];
}

/** Room for the worker on the node, each shortfall blamed on the row that asks for it. */
async function checkCapacity(node: NodeAccess, spec: WorkerSpec): Promise<InputProblem[]> {
  const { shortfalls } = await readCapacity(node, spec);
  const fix = 'choose a smaller size, or free that much on the node (stop or move other guests)';
  return shortfalls.map((shortfall) => {
    if (shortfall.field === 'node') return { input: `Proxmox node ${node.name}`, problem: shortfall.text, fix: 'bring the node online, or set PROXMOX_VE_NODE to one that is' };
    if (shortfall.field === 'storage') return { input: `storage "${spec.storage}"`, problem: shortfall.text, fix: 'activate it (`pvesm set`), or name an active storage' };
    return { input: `${shortfall.field} "${spec.fields[shortfall.field] ?? ''}"`, problem: shortfall.text, fix };
  });
}

/**
 * k3s admits a hostname once: a Node of that name at another address, or a node-password secret left by a node that
 * is gone, makes the server refuse the new agent ("Node password rejected, duplicate hostname …"). A Node already
 * here, from this worker's address, at another version than the run would install, would be changed by the
 * installer: refused unless SUITE_REINSTALL=1.
 */
async function checkHostnameInCluster(target: Target, spec: WorkerSpec, installVersion: string | undefined): Promise<InputProblem[]> {
  const secretName = nodePasswordSecretName(spec.hostname);
  const [node, secret, container] = await Promise.all([
    unlessNotFound(target.cluster.core.readNode({ name: spec.hostname })),
    unlessNotFound(target.cluster.core.readNamespacedSecret({ name: secretName, namespace: NODE_PASSWORD_NAMESPACE })),
    target.proxmox.locate(spec.vmid),
  ]);
  const addresses = node?.status?.addresses?.filter((address) => address.type === 'InternalIP').map((address) => address.address) ?? [];
  if (node && addresses.length && !addresses.includes(spec.ip)) {
    return [{
      input: `hostname "${spec.hostname}"`,
      problem: `is already the name of node ${spec.hostname} at ${addresses.join(', ')}; k3s would refuse a second machine under that name (Node password rejected, duplicate hostname)`,
      fix: `pick another hostname, or if that machine is gone: \`kubectl delete node ${spec.hostname}\` and \`kubectl -n ${NODE_PASSWORD_NAMESPACE} delete secret ${secretName}\``,
    }];
  }
  // A container that will be new gets a new /etc/rancher/node/password; k3s keeps the old one's hash while its Node
  // exists (ownerReference, pkg/nodepassword) and refuses the newcomer until the Node is deleted.
  if (node && !container) {
    return [{
      input: `hostname "${spec.hostname}"`,
      problem: `is still a node of this cluster (${nodeReadiness(node).status}, at ${addresses.join(', ') || 'no address'}) though CT ${spec.vmid} does not exist; the new container's agent would be refused (Node password rejected, duplicate hostname)`,
      fix: `if that machine is gone: \`kubectl delete node ${spec.hostname}\` and \`kubectl -n ${NODE_PASSWORD_NAMESPACE} delete secret ${secretName}\`, then run again`,
    }];
  }
  const version = node?.status?.nodeInfo?.kubeletVersion;
  if (node && nodeAt(node, spec.ip) && installVersion && version && version !== installVersion && !target.config.reinstall) {
    return [{
      input: `hostname "${spec.hostname}"`,
      problem: `is already a node of this cluster at ${spec.ip}, running k3s ${version}; this run would install ${installVersion} and does not reinstall a joined worker behind your back`,
      fix: `set SUITE_REINSTALL=1 to reinstall it at ${installVersion}, or leave it as it is`,
    }];
  }
  // Only a new container matters: one the suite adopts keeps its /etc/rancher/node/password, which the secret matches.
  if (!node && secret && !container) {
    return [{
      input: `hostname "${spec.hostname}"`,
      problem: `has a node-password secret ${NODE_PASSWORD_NAMESPACE}/${secretName} left by an earlier node of that name; a new machine's password will not match it and k3s would refuse the join (Node password rejected)`,
      fix: `delete it if that node is gone for good: \`kubectl -n ${NODE_PASSWORD_NAMESPACE} delete secret ${secretName}\`, or pick another hostname`,
    }];
  }
  return [];
}
