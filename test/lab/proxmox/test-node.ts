import { Agent, fetch as undiciFetch } from 'undici';
import type { HostKernel } from '../../../lab/contracts/host-kernel';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { startProxmoxNode, type RunningProxmoxNode } from '../../../lab/proxmox';
import { LabTiming } from '../../../lab/timing';
import { generateEd25519KeyPair } from '../../../lab/pki/ssh-keys';
import { FakeContainerRuntime } from './fake-container-runtime';

export const TOKEN_ID = 'root@pam!acceptance';
export const TOKEN_SECRET = '0b6f4a3e-8c1d-4e2f-9a7b-5c3d2e1f0a9b';
export const LIMITED_TOKEN_ID = 'auditor@pve!ro';
export const LIMITED_SECRET = '11111111-2222-4333-8444-555555555555';
export const ROOT_PASSWORD = 'correct horse';

export interface TestNode {
  node: RunningProxmoxNode;
  runtime: FakeContainerRuntime;
  network: VirtualNetwork;
  operatorKey: { private: string; public: string };
  /** fetch against the node's API, trusting its CA. */
  api(path: string, init?: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; token?: string | null }): Promise<ApiAnswer>;
  /** Waits for a task to stop (deadline 5 s at scale 0) and returns its status. */
  waitTask(upid: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  statusText: string;
  contentType: string | null;
  text: string;
  json: any;
}

export async function startTestNode(options: { kernel?: HostKernel } = {}): Promise<TestNode> {
  const network = new VirtualNetwork();
  const runtime = new FakeContainerRuntime();
  const operatorKey = generateEd25519KeyPair('operator@test');
  const node = await startProxmoxNode({
    network,
    timing: new LabTiming(0),
    runtime,
    apiTokens: [
      { tokenId: TOKEN_ID, secret: TOKEN_SECRET },
      { tokenId: LIMITED_TOKEN_ID, secret: LIMITED_SECRET, privileges: ['VM.Audit', 'Sys.Audit'] },
    ],
    rootPassword: ROOT_PASSWORD,
    rootAuthorizedKeys: [operatorKey.public],
    kernel: options.kernel,
  });
  const { api, waitTask, close } = apiClient(node);
  return {
    node,
    runtime,
    network,
    operatorKey,
    api,
    waitTask,
    stop: async () => {
      await node.stop();
      await close();
    },
  };
}

/** fetch against a node's API, trusting its cluster's CA, and a wait for its tasks (on the node the UPID names). */
export function apiClient(node: RunningProxmoxNode): { api: TestNode['api']; waitTask: TestNode['waitTask']; close(): Promise<void> } {
  const dispatcher = new Agent({ connect: { ca: node.caPem } });
  const api: TestNode['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token !== null) headers.Authorization = `PVEAPIToken=${init.token ?? `${TOKEN_ID}=${TOKEN_SECRET}`}`;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await undiciFetch(new URL(`api2/json${path}`, node.apiUrl), { method: init.method ?? 'GET', headers, body, dispatcher });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, statusText: res.statusText, contentType: res.headers.get('content-type'), text, json };
  };
  const waitTask = async (upid: string) => {
    const taskNode = upid.split(':')[1];
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await api(`/nodes/${taskNode}/tasks/${encodeURIComponent(upid)}/status`);
      if (r.json?.data?.status === 'stopped') return r.json.data;
      if (Date.now() > deadline) throw new Error(`task ${upid} still ${r.json?.data?.status} after 5000ms`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { api, waitTask, close: () => dispatcher.close() };
}

/** The create call the story makes: CT 102 k3s-worker-01 on local-lvm. */
export const WORKER_CREATE = {
  vmid: '102',
  ostemplate: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst',
  hostname: 'k3s-worker-01',
  cores: '4',
  memory: '8192',
  swap: '512',
  rootfs: 'local-lvm:50',
  net0: 'name=eth0,bridge=vmbr0,ip=192.168.2.21/24,gw=192.168.2.1',
  nameserver: '192.168.2.1',
  'ssh-public-keys': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample operator@test',
};

export async function createWorker(t: TestNode, extra: Record<string, string> = {}): Promise<string> {
  const r = await t.api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, ...extra } });
  if (r.status !== 200) throw new Error(`create CT 102: expected 200, got ${r.status} ${r.statusText} ${r.text}`);
  const status = await t.waitTask(r.json.data);
  if (status.exitstatus !== 'OK') throw new Error(`create CT 102 task: expected OK, got ${status.exitstatus}`);
  return r.json.data;
}
