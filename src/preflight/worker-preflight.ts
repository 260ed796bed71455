import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputProblem } from '../errors';
import { unlessNotFound } from '../kube/cluster-client';
import { tokenCaHash } from '../provisioning/join-agent';
import type { Target } from '../provisioning/target';
import type { WorkerSpec } from '../spec/worker-spec';
import { checkTokenPrivileges } from './token-privileges';

/**
 * What can be known about this worker before anything is created, all checked and reported together: the API token's
 * privileges, the template and storage it needs, a free VMID, a hostname the cluster will accept, a join token and
 * K3S_URL that belong to this cluster. Only reads.
 */
export async function workerPreflight(target: Target, spec: WorkerSpec): Promise<InputProblem[]> {
  const privileges = await checkTokenPrivileges(target, spec);
  // The Proxmox reads below need some of those privileges: without them Proxmox would answer a 403 (or leave the
  // storage out of its list), which says less than the missing privileges already found.
  const proxmoxReadable = privileges.length === 0;
  const checks = await Promise.all([
    checkK3sUrl(target, spec),
    checkTokenCluster(target),
    proxmoxReadable ? checkStorageAndTemplate(target, spec) : [],
    proxmoxReadable ? checkVmid(target, spec) : [],
    proxmoxReadable ? checkHostnameInCluster(target, spec) : [],
  ]);
  return [...privileges, ...checks.flat()];
}

async function checkK3sUrl(target: Target, spec: WorkerSpec): Promise<InputProblem[]> {
  const url = target.config.k3s.url;
  const { host, port } = spec.controlPlane;
  if (!url || (url.hostname === host && Number(url.port || 443) === port)) return [];
  return [{ input: `K3S_URL "${url.href}"`, problem: `names another server than the feature's control plane ${host}:${port}`, fix: 'make them agree, or unset K3S_URL' }];
}

/** A secure token (K10<hash>::…) pins the cluster CA; the kubeconfig carries the same CA (k3s writes both). */
async function checkTokenCluster(target: Target): Promise<InputProblem[]> {
  const expected = tokenCaHash(target.config.k3s.token);
  const caPem = clusterCaPem(target);
  if (!expected || !caPem) return [];
  const actual = createHash('sha256').update(caPem).digest('hex');
  if (actual === expected) return [];
  return [{
    input: 'K3S_TOKEN',
    problem: `was issued by another cluster: its CA hash ${expected.slice(0, 12)}… is not the hash ${actual.slice(0, 12)}… of the cluster CA in KUBECONFIG (k3s would say "token CA hash does not match the Cluster CA certificate hash")`,
    fix: 'copy the token again from /var/lib/rancher/k3s/server/node-token on this cluster\'s server',
  }];
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

async function checkStorageAndTemplate(target: Target, spec: WorkerSpec): Promise<InputProblem[]> {
  const problems: InputProblem[] = [];
  const storages = await target.proxmox.storages();
  const storage = storages.find((candidate) => candidate.storage === spec.storage);
  if (!storage) {
    problems.push({ input: `storage "${spec.storage}"`, problem: `does not exist on node ${target.proxmox.node} (it has ${storages.map((s) => s.storage).join(', ') || 'none'})`, fix: 'name one of those in the specification' });
  } else if (!storage.content.split(',').includes('rootdir')) {
    problems.push({ input: `storage "${spec.storage}"`, problem: `does not hold container volumes (content: ${storage.content})`, fix: 'pick a storage whose content includes "rootdir", or add it under Datacenter > Storage' });
  }
  const templateStorage = spec.template.split(':')[0];
  const templateStore = storages.find((candidate) => candidate.storage === templateStorage);
  const templates = templateStore ? await target.proxmox.templates(templateStorage) : [];
  if (!templates.includes(spec.template)) {
    problems.push({
      input: `template "${spec.template}"`,
      problem: templateStore ? `is not on storage "${templateStorage}" (it has: ${templates.join(', ') || 'no templates'})` : `names storage "${templateStorage}", which node ${target.proxmox.node} does not have`,
      fix: `download it on the node: \`pveam update && pveam download ${templateStorage} ${spec.template.split('/').pop()}\``,
    });
  }
  return problems;
}

async function checkVmid(target: Target, spec: WorkerSpec): Promise<InputProblem[]> {
  const existing = await target.proxmox.containerStatus(spec.vmid);
  if (!existing || existing.name === spec.hostname) return [];
  return [{ input: `vmid "${spec.vmid}"`, problem: `is already used by "${existing.name}" on node ${target.proxmox.node}, which the suite will not touch`, fix: 'pick a free VMID (`pvesh get /cluster/nextid` suggests one)' }];
}

/**
 * k3s admits a hostname once: a Node of that name at another address, or a node-password secret left by a node that
 * is gone, makes the server refuse the new agent ("Node password rejected, duplicate hostname …").
 */
async function checkHostnameInCluster(target: Target, spec: WorkerSpec): Promise<InputProblem[]> {
  const secretName = `${spec.hostname}.node-password.k3s`;
  const [node, secret, container] = await Promise.all([
    unlessNotFound(target.cluster.core.readNode({ name: spec.hostname })),
    unlessNotFound(target.cluster.core.readNamespacedSecret({ name: secretName, namespace: 'kube-system' })),
    target.proxmox.containerStatus(spec.vmid),
  ]);
  const addresses = node?.status?.addresses?.filter((address) => address.type === 'InternalIP').map((address) => address.address) ?? [];
  if (node && addresses.length && !addresses.includes(spec.ip)) {
    return [{
      input: `hostname "${spec.hostname}"`,
      problem: `is already the name of node ${spec.hostname} at ${addresses.join(', ')}; k3s would refuse a second machine under that name (Node password rejected, duplicate hostname)`,
      fix: `pick another hostname, or if that machine is gone: \`kubectl delete node ${spec.hostname}\` and \`kubectl -n kube-system delete secret ${secretName}\``,
    }];
  }
  // Only a new container matters: one the suite adopts keeps its /etc/rancher/node/password, which the secret matches.
  if (!node && secret && !container) {
    return [{
      input: `hostname "${spec.hostname}"`,
      problem: `has a node-password secret kube-system/${secretName} left by an earlier node of that name; a new machine's password will not match it and k3s would refuse the join (Node password rejected)`,
      fix: `delete it if that node is gone for good: \`kubectl -n kube-system delete secret ${secretName}\`, or pick another hostname`,
    }];
  }
  return [];
}
