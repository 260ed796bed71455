import { parseWorkerSpec, type WorkerSpec } from '../../src/spec/worker-spec';

/** The story's specification table, as features/add-worker.feature has it. */
export const STORY_FIELDS: Record<string, string> = {
  vmid: '102', hostname: 'k3s-worker-01', cores: '4', memory: '8GB', disk: '50GB', address: '192.168.2.21/24', gateway: '192.168.2.1',
  bridge: 'vmbr0', storage: 'local-lvm', template: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst',
  features: 'nesting=1,keyctl=1,fuse=1', ssh: 'key', 'control plane': '192.168.2.20:6443',
};

export const STORY_RAW_LXC = [
  'lxc.apparmor.profile: unconfined', 'lxc.cgroup2.devices.allow: a', 'lxc.cap.drop:',
  'lxc.mount.entry: /dev/kmsg dev/kmsg none bind,rw,optional,create=file', 'lxc.mount.auto: proc:rw sys:rw',
];

/** The story's worker, with some fields changed. */
export function storySpec(changes: Record<string, string> = {}): WorkerSpec {
  return parseWorkerSpec({ ...STORY_FIELDS, ...changes }, STORY_RAW_LXC);
}

/** The steps of features/add-worker.feature that state values of their own. */
export const STORY_STATEMENTS = [
  'I create an LXC container with 4 vCPU, 8GB RAM, 50GB disk at 192.168.2.21',
  'the worker container is running and can reach the control plane (192.168.2.20:6443)',
  '`kubectl get nodes` shows k3s-worker-01 as Ready',
];
