import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningLab } from '../../lab';
import { ROLES } from '../../lab/proxmox';
import { ConfigurationError } from '../../src/errors';
import { preflight } from '../../src/preflight/preflight';
import { chooseInstall } from '../../src/provisioning/install-choice';
import { workerPreflight } from '../../src/preflight/worker-preflight';
import { parseWorkerSpec } from '../../src/spec/worker-spec';
import { openTarget } from './open-target';
import { provisionContainer } from '../../src/provisioning/provision-container';
import type { Target } from '../../src/target/target';
import { workContext } from './open-target';
import { STORY_FIELDS, STORY_RAW_LXC, STORY_STATEMENTS, storySpec } from './story-spec';

/**
 * Inputs an operator gets wrong, each with the input the error must name. Every one must be refused by preflight
 * with no write reaching Proxmox or Kubernetes (test/suite/preflight.test.ts, scripts/safety-proof.ts).
 */
export interface BadInput {
  name: string;
  /** Changes to the story's specification table. */
  fields?: Record<string, string>;
  /** Replaces the raw LXC lines. */
  rawLxc?: string[];
  /** Replaces the feature's steps that state values (default: the story's). */
  statements?: string[];
  /** Changes to the profile's variables (given the lab's, and a scratch folder for files). */
  env?: (labEnv: Record<string, string>, scratch: string) => Record<string, string | undefined>;
  /** State the lab is put in first (someone else's doing; not counted as the suite's writes). */
  arrange?: (lab: RunningLab, target: Target) => Promise<unknown> | void;
  /** What the error must say (the input it names). */
  names: RegExp;
}

/** Everything the story needs on the paths it touches, but VM.Allocate. */
const NO_ALLOCATE = {
  tokenId: 'root@pam!no-allocate',
  secret: '7e0c2b1a-3d4f-4a5b-8c6d-9e0f1a2b3c4d',
  acl: [
    { path: '/vms', privileges: ROLES.PVEVMAdmin.filter((privilege) => privilege !== 'VM.Allocate') },
    { path: '/storage', privileges: ROLES.PVEDatastoreUser },
    { path: '/sdn/zones/localnetwork/vmbr0', privileges: ROLES.PVESDNUser },
  ],
};

const otherCaToken = (token: string) => token.replace(/^K10[0-9a-f]{64}/, `K10${'ab'.repeat(32)}`);

export const BAD_INPUTS: BadInput[] = [
  { name: 'VMID under 100', fields: { vmid: '99' }, names: /vmid "99": must be a whole number from 100/ },
  { name: 'memory written 8 GiB', fields: { memory: '8 GiB' }, names: /memory "8 GiB"/ },
  { name: 'malformed IP address', fields: { address: '192.168.2.300/24' }, names: /address "192\.168\.2\.300\/24"/ },
  { name: 'gateway outside the subnet', fields: { gateway: '10.0.0.1' }, names: /gateway "10\.0\.0\.1"/ },
  { name: 'hostname with capitals and underscore', fields: { hostname: 'K3S_worker' }, names: /hostname "K3S_worker": is not a valid host name/ },
  { name: 'zero cores', fields: { cores: '0' }, names: /cores "0": must be a whole number from 1/ },
  { name: 'unknown specification field', fields: { 'cpu units': '1024' }, names: /specification "cpu units": is not a field the suite knows/ },
  { name: 'API token missing', env: () => ({ PROXMOX_VE_API_TOKEN: undefined }), names: /PROXMOX_VE_API_TOKEN: is not set/ },
  {
    name: 'API token secret wrong',
    env: (labEnv) => ({ PROXMOX_VE_API_TOKEN: labEnv.PROXMOX_VE_API_TOKEN.replace(/=.*/, '=00000000-0000-4000-8000-000000000000') }),
    names: /PROXMOX_VE_API_TOKEN: .*401/,
  },
  // Port 2: nothing listens there, and fetch does not refuse it as a "bad port" (fetch spec, port blocking).
  { name: 'Proxmox endpoint unreachable', env: () => ({ PROXMOX_VE_ENDPOINT: 'https://127.0.0.1:2/' }), names: /PROXMOX_VE_ENDPOINT "https:\/\/127\.0\.0\.1:2\/": .*ECONNREFUSED/ },
  { name: 'TLS fingerprint of another certificate', env: () => ({ PROXMOX_VE_TLS_FINGERPRINT: Array(32).fill('AB').join(':') }), names: /PROXMOX_VE_TLS_FINGERPRINT: .*not the pinned/ },
  { name: 'SSH host key fingerprint of another host', env: () => ({ PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: `SHA256:${'A'.repeat(43)}` }), names: /PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: / },
  {
    name: 'node token from another cluster',
    env: (labEnv, scratch) => {
      const file = join(scratch, 'other-cluster-token');
      writeFileSync(file, otherCaToken(readFileSync(labEnv.K3S_TOKEN_FILE, 'utf8')));
      return { K3S_TOKEN_FILE: file };
    },
    names: /K3S_TOKEN: was issued by another cluster/,
  },
  { name: 'kubeconfig missing', env: (_, scratch) => ({ KUBECONFIG: join(scratch, 'no-such-kubeconfig.yaml') }), names: /KUBECONFIG ".*no-such-kubeconfig\.yaml": cannot load KUBECONFIG/ },
  { name: 'node token the server rejects', env: () => ({ K3S_TOKEN_FILE: undefined, K3S_TOKEN: 'garbage' }), names: /K3S_TOKEN: was rejected by the server at https:\/\/127\.0\.0\.1:\d+: 401 not authorized \(GET \/v1-k3s\/readyz, as an agent authenticates\)/ },
  { name: 'node token with a CA hash of the wrong length', env: () => ({ K3S_TOKEN_FILE: undefined, K3S_TOKEN: 'K10abc123::server:secret' }), names: /K3S_TOKEN: is not a k3s join token: invalid token CA hash length/ },
  { name: 'more memory than the node has free', fields: { memory: '9999999GB' }, statements: [], names: /memory "9999999GB": node pve has \d+ MiB memory free, the worker asks for 10239998976 MiB/ },
  { name: 'a step stating other figures than the table', fields: { cores: '2' }, names: /4 vCPU: in the step differs from the specification table \(cores 2\)/ },
  { name: 'address equal to the gateway', fields: { address: '192.168.2.1/24' }, statements: [], names: /address "192\.168\.2\.1\/24": is the gateway's address/ },
  { name: 'an agent release newer than the server', env: () => ({ INSTALL_K3S_VERSION: 'v1.35.1+k3s1' }), names: /INSTALL_K3S_VERSION \(v1\.35\.1\+k3s1\): the agent would run v1\.35\.1\+k3s1, newer than the server's v1\.34\.3\+k3s1, which breaks the Kubernetes version-skew policy/ },
  { name: 'an agent release four minors older than the server', env: () => ({ INSTALL_K3S_VERSION: 'v1.30.14+k3s1' }), names: /the agent would run v1\.30\.14\+k3s1, 4 minor versions older than the server's v1\.34\.3\+k3s1 \(at most 3\)/ },
  { name: 'K3S_URL of another server', env: () => ({ K3S_URL: 'https://192.168.2.99:6443' }), names: /K3S_URL "https:\/\/192\.168\.2\.99:6443\/": names another server/ },
  {
    name: 'API token without VM.Allocate',
    // An administrator made a privilege-separated token and granted it PVEVMAdmin's privileges but VM.Allocate.
    arrange: (lab) => lab.proxmox.addApiToken({ tokenId: NO_ALLOCATE.tokenId, secret: NO_ALLOCATE.secret, privileges: NO_ALLOCATE.acl }),
    env: () => ({ PROXMOX_VE_API_TOKEN: `${NO_ALLOCATE.tokenId}=${NO_ALLOCATE.secret}` }),
    names: /PROXMOX_VE_API_TOKEN: token root@pam!no-allocate lacks VM\.Allocate on \/vms\/102 \(to create and destroy CT 102\)\. Fix: .*`pveum acl modify \/vms\/102 --tokens 'root@pam!no-allocate' --roles PVEVMAdmin`/,
  },
  { name: 'template not downloaded', fields: { template: 'local:vztmpl/ubuntu-20.04-standard_20.04-1_amd64.tar.gz' }, names: /template "local:vztmpl\/ubuntu-20\.04-standard_20\.04-1_amd64\.tar\.gz": is not on storage "local"/ },
  { name: 'storage that does not exist', fields: { storage: 'nvme-pool' }, names: /storage "nvme-pool": does not exist on node pve/ },
  {
    name: 'stale node-password secret for the hostname',
    arrange: (lab) => {
      lab.k3s.store.create('secrets', {
        apiVersion: 'v1', kind: 'Secret', type: 'k3s.cattle.io/node-password',
        metadata: { name: 'k3s-worker-01.node-password.k3s', namespace: 'kube-system' },
        data: { hash: Buffer.from('$1:00:15:8:1:stale').toString('base64') },
      });
    },
    names: /hostname "k3s-worker-01": has a node-password secret kube-system\/k3s-worker-01\.node-password\.k3s left by an earlier node/,
  },
  {
    name: 'a Node an earlier container left at the worker\'s address',
    // The container was destroyed by hand, its Node (NotReady now) was not deleted.
    arrange: (lab) => {
      lab.k3s.store.create('nodes', {
        apiVersion: 'v1', kind: 'Node', metadata: { name: 'k3s-worker-01' },
        status: {
          addresses: [{ type: 'InternalIP', address: '192.168.2.21' }, { type: 'Hostname', address: 'k3s-worker-01' }],
          conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }],
        },
      });
    },
    names: /hostname "k3s-worker-01": is still a node of this cluster \(Unknown, at 192\.168\.2\.21\) though CT 102 does not exist[\s\S]*kubectl delete node k3s-worker-01/,
  },
  {
    name: 'VMID held by another container',
    arrange: (_, target) => provisionContainer(workContext(target, { runId: '0e0e0e' }), storySpec({ hostname: 'other-team-app' })),
    names: /vmid "102": is already used by "other-team-app"/,
  },
];

/** Runs the suite's preflight on the story with one bad input, against a lab's variables; resolves if it passes. */
export async function preflightWith(bad: Pick<BadInput, 'fields' | 'rawLxc' | 'env' | 'statements'>, labEnv: Record<string, string>): Promise<void> {
  const env = { ...labEnv, ...bad.env?.(labEnv, mkdtempSync(join(tmpdir(), 'bad-input-'))) };
  const { target } = await preflight({
    spec: () => parseWorkerSpec({ ...STORY_FIELDS, ...bad.fields }, bad.rawLxc ?? STORY_RAW_LXC),
    target: () => openTarget(env, 'lab'),
    worker: async (opened, spec) => {
      const problems = await workerPreflight(opened, spec, { statements: bad.statements ?? STORY_STATEMENTS, installChoice: () => chooseInstall(opened) });
      if (problems.length) throw new ConfigurationError(problems);
    },
  });
  target.proxmoxHost.close();
}
