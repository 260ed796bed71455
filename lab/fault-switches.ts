import { readFileSync, writeFileSync } from 'node:fs';
import type { RunningLab } from '.';
import { addNodeLikeServer, type KubeObject } from './k3s';

/**
 * The lab's named fault switches: one name per way real provisioning goes wrong, armed on a running lab before the
 * suite connects. The same names work as a scenario tag (`@fault:<name>`), on the standalone lab's command line
 * (`npm run lab -- --fault <name>`), and from tests (`armFault(lab, name)`).
 */
export interface FaultSwitch {
  /** What the operator would see happen, in one line. */
  description: string;
  arm(lab: RunningLab, story: StoryFacts): void | Promise<void>;
}

/** What some switches need to know about the story's worker. */
export interface StoryFacts {
  hostname: string;
}

const UBUNTU_TEMPLATE = 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst';
const SERVER_IP = '192.168.2.20';

export const FAULT_SWITCHES: Record<string, FaultSwitch> = {
  // Proxmox VE
  'vmid-taken': { description: 'another operator creates a container at the VMID a moment before the suite does', arm: (lab) => lab.proxmox.faults.vmidTakenOnNextCreate('other-team-app') },
  'storage-missing': { description: 'the storage local-lvm is gone from the node', arm: (lab) => lab.proxmox.faults.removeStorage('local-lvm') },
  'template-missing': { description: 'the Ubuntu 22.04 template was never downloaded', arm: (lab) => lab.proxmox.faults.removeTemplate(UBUNTU_TEMPLATE) },
  'create-task-error': { description: 'the vzcreate task ends in TASK ERROR', arm: (lab) => lab.proxmox.faults.failNextTask('vzcreate', 'unable to create CT 102 - lvcreate \'pve/vm-102-disk-0\' error:   Volume group "pve" has insufficient free space (12799 extents): 12800 required.') },
  'start-task-warnings': { description: 'the vzstart task ends with WARNINGS: 1', arm: (lab) => lab.proxmox.faults.warnNextTask('vzstart', ['WARN: old systemd (< v232) detected, container won\'t run in a pure cgroupv2 environment! Please see documentation -> container -> cgroup version.']) },
  'lock-timeouts': { description: 'the container\'s config lock times out twice, then frees up', arm: (lab) => lab.proxmox.faults.lockTimeouts('next-create', 2) },
  'proxmox-api-down': { description: 'pveproxy is stopped: the API port refuses connections', arm: (lab) => lab.proxmox.faults.apiDown() },
  'proxmox-api-slow': { description: 'every Proxmox API answer takes 3 s', arm: (lab) => lab.proxmox.faults.apiSlow(3000) },
  'proxmox-tls-changed': { description: 'the API presents another certificate than the pinned one (reinstalled node, or a man in the middle)', arm: async (lab) => void (await lab.proxmox.faults.replaceTlsCertificate()) },
  // The LXC guest
  'guest-ssh-late': { description: 'the container\'s sshd refuses the first 3 connections while it boots', arm: (lab) => lab.guests.faults.sshLateInBoot(3) },
  'guest-ssh-drop-during-install': { description: 'the SSH connection drops while the k3s installer downloads', arm: (lab) => lab.guests.faults.dropSshDuringInstall() },
  'guest-host-key-changed': {
    description: 'the worker answers SSH with another host key than the one read through the Proxmox host (a man in the middle)',
    arm: (lab) => {
      lab.guests.faults.impostorHostKeyAfterBoot();
    },
  },
  // k3s
  'token-other-cluster': { description: 'the node token was copied from another cluster (wrong CA hash)', arm: (lab) => rewriteToken(lab, (token) => token.replace(/^K10[0-9a-f]{64}/, `K10${'5e'.repeat(32)}`)) },
  'token-wrong-password': { description: 'the node token\'s password is wrong', arm: (lab) => rewriteToken(lab, (token) => token.replace(/:[^:]+$/, ':not-the-server-password')) },
  'stale-node-password': { description: 'an earlier node of the same name left its node-password secret', arm: (lab, story) => createStaleNodePassword(lab, story.hostname) },
  'duplicate-hostname': { description: 'another machine is already a node under the worker\'s hostname', arm: (lab, story) => createForeignNode(lab, story.hostname) },
  'control-plane-unreachable': { description: 'the worker cannot reach 192.168.2.20:6443 (firewall, wrong gateway)', arm: (lab) => lab.network.setReachable(SERVER_IP, false) },
  'node-never-ready': { description: 'the worker\'s node registers and never turns Ready (CNI not initialized)', arm: (lab) => lab.guests.faults.kubeletNeverReady() },
  'node-goes-unknown': { description: 'the worker\'s kubelet posts Ready once and then stops (the node goes Unknown)', arm: (lab) => lab.guests.faults.kubeletStopsPosting() },
  'pods-too-many': { description: 'every node is full (max pods reached)', arm: (lab) => fillEveryNode(lab) },
  'nodes-tainted': { description: 'every node carries a NoSchedule taint the test pod does not tolerate', arm: (lab) => taintNodes(lab, () => true) },
  'worker-tainted': { description: 'the new worker carries a NoSchedule taint, so the pod can only land on the master', arm: (lab, story) => taintNodes(lab, (name) => name === story.hostname) },
  'registry-unreachable': { description: 'no node can reach the image registry', arm: (lab) => lab.k3s.faults.registryUnreachable() },
  'kube-api-throttled': { description: 'the Kubernetes API answers 429 Too Many Requests to the next 3 requests', arm: (lab) => lab.k3s.faults.throttle(429, 3) },
  'kube-api-unavailable': { description: 'the Kubernetes API answers 503 to the next 3 requests', arm: (lab) => lab.k3s.faults.throttle(503, 3) },
};

/** Arms a named switch; an unknown name is refused with the list of known ones. */
export async function armFault(lab: RunningLab, name: string, story: StoryFacts = { hostname: 'k3s-worker-01' }): Promise<void> {
  const fault = FAULT_SWITCHES[name];
  if (!fault) throw new Error(`no lab fault "${name}"; known faults: ${Object.keys(FAULT_SWITCHES).join(', ')}`);
  await fault.arm(lab, story);
}

/** The operator copied a token that differs from the server's: the file the lab hands out says so. */
function rewriteToken(lab: RunningLab, change: (token: string) => string): void {
  const file = lab.env.K3S_TOKEN_FILE;
  writeFileSync(file, `${change(readFileSync(file, 'utf8').trim())}\n`);
}

function createStaleNodePassword(lab: RunningLab, hostname: string): void {
  lab.k3s.store.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'k3s.cattle.io/node-password',
    metadata: { name: `${hostname}.node-password.k3s`, namespace: 'kube-system' },
    // k3s's scrypt format ($1:salt:N:r:p:hash) of a password no new machine will have.
    data: { hash: Buffer.from(`$1:${'00'.repeat(8)}:15:8:1:${Buffer.alloc(64, 7).toString('base64')}`).toString('base64') },
  });
}

function createForeignNode(lab: RunningLab, hostname: string): void {
  addNodeLikeServer(lab.k3s.store, hostname, { ip: '192.168.2.99' });
  createStaleNodePassword(lab, hostname);
}

/** Each node as full as its pods make it: the master now, workers as their kubelets start. */
function fillEveryNode(lab: RunningLab): void {
  const master = lab.k3s.store.list('nodes')[0].metadata.name;
  // Finished pods (k3s's helm-install jobs) hold no place on a node.
  const holding = (pod: KubeObject) => pod.spec?.nodeName === master && !['Succeeded', 'Failed'].includes(pod.status?.phase);
  const podsOnMaster = lab.k3s.store.list('pods').filter(holding).length;
  lab.k3s.faults.maxPods(podsOnMaster);
  lab.guests.faults.maxPods(0);
}

/** A NoSchedule taint on the chosen nodes, now and as they register (as `--node-taint` would). */
function taintNodes(lab: RunningLab, chosen: (name: string) => boolean): void {
  const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
  const apply = (node: KubeObject) => {
    if (!chosen(node.metadata.name) || node.spec?.taints?.some((existing: { key: string }) => existing.key === taint.key)) return;
    lab.k3s.store.mutate('nodes', undefined, node.metadata.name, (stored) => {
      stored.spec = { ...stored.spec, taints: [...(stored.spec?.taints ?? []), taint] };
    });
  };
  for (const node of lab.k3s.store.list('nodes')) apply(node);
  lab.k3s.store.subscribe((event) => {
    if (event.resource === 'nodes' && event.type === 'ADDED') queueMicrotask(() => apply(event.object));
  });
}
