import https from 'node:https';
import { after, before } from 'node:test';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { LabTiming } from '../../../lab/timing';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';
import { CONTAINERD_VERSION, K3S_VERSION } from '../../../lab/contracts/k3s-join';
import { kubeTime } from '../../../lab/contracts/kube-object';
import { healthyNodeConditions } from '../../../lab/k3s/server/server-node';

/**
 * A server for the enclosing describe: started before its tests (handed to `started`, with the admin identity) and
 * stopped after them.
 */
export function useTestServer(started: (lab: { server: RunningK3sServer; network: VirtualNetwork; admin: Credentials }) => void): void {
  let server: RunningK3sServer | undefined;
  before(async () => {
    const lab = await startTestServer();
    server = lab.server;
    started({ ...lab, admin: adminCredentials(lab.server) });
  });
  after(() => server?.stop());
}

/** A started server at scale 0 on its own network, for one test file. */
export async function startTestServer(): Promise<{ server: RunningK3sServer; network: VirtualNetwork }> {
  const network = new VirtualNetwork();
  const server = await startK3sServer({ network, timing: new LabTiming(0) });
  return { server, network };
}

export interface Credentials {
  ca: string;
  cert?: string;
  key?: string;
}

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  json<T = any>(): T;
}

/** The admin identity from the server's kubeconfig. */
export function adminCredentials(server: RunningK3sServer): Credentials {
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(server.kubeconfig())![1], 'base64').toString();
  return { ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') };
}

export function request(
  server: RunningK3sServer,
  credentials: Credentials,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: server.loopbackPort, method, path, ca: credentials.ca, cert: credentials.cert, key: credentials.key,
      headers: { ...(body ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}), Accept: 'application/json', ...options.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

export interface WatchEvent {
  type: string;
  object: any;
}

/**
 * Opens a watch and resolves with the first event `until` accepts (plus all events seen), or rejects at the deadline
 * with what was seen, so a failing test says what happened instead of timing out silently.
 */
export function watchUntil(
  server: RunningK3sServer,
  credentials: Credentials,
  path: string,
  until: (event: WatchEvent) => boolean,
  deadlineMs = 10_000,
  headers: Record<string, string> = {},
): Promise<{ match: WatchEvent; seen: WatchEvent[] }> {
  return new Promise((resolve, reject) => {
    const seen: WatchEvent[] = [];
    let buffer = '';
    const req = https.request({ host: '127.0.0.1', port: server.loopbackPort, method: 'GET', path, ca: credentials.ca, cert: credentials.cert, key: credentials.key, headers }, (res) => {
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffer.slice(0, newline)) as WatchEvent;
          buffer = buffer.slice(newline + 1);
          seen.push(event);
          if (until(event)) {
            clearTimeout(timer);
            req.destroy();
            return resolve({ match: event, seen });
          }
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        reject(new Error(`watch ${path} ended before the expected event; saw ${JSON.stringify(seen.map((e) => `${e.type} ${e.object?.metadata?.name ?? e.object?.message ?? ''}`))}`));
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`watch ${path}: expected event not seen within ${deadlineMs}ms; saw ${JSON.stringify(seen.map((e) => `${e.type} ${e.object?.metadata?.name}`))}`));
    }, deadlineMs);
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

export const nginxPod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'nginx', image: 'nginx:alpine' }], ...extra },
});

/**
 * An agent joined the way k3s agents join: a kubelet client certificate from the supervisor (bare-password token),
 * then its Node registered Ready, heartbeating until `stop()` so the node lifecycle controller keeps it Ready.
 */
export async function joinAgentNode(server: RunningK3sServer, network: VirtualNetwork, name: string, ip: string): Promise<{ kubelet: Credentials; stop(): void }> {
  const password = server.token.split(':').pop()!;
  const target = new URL(`${server.url}/v1-k3s/client-kubelet.crt`);
  const body = await new Promise<string>((resolve, reject) => {
    https.get({
      host: '127.0.0.1', port: network.resolve(target.hostname, Number(target.port)), path: target.pathname, ca: server.caBundlePem, checkServerIdentity: () => undefined,
      headers: { Authorization: `Basic ${Buffer.from(`node:${password}`).toString('base64')}`, 'K3s-Node-Name': name, 'K3s-Node-Password': `${name}-password` },
    }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`client-kubelet.crt for ${name}: ${res.statusCode} ${text}`))));
    }).on('error', reject);
  });
  const kubelet: Credentials = {
    ca: server.caBundlePem,
    cert: body.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/)![0],
    key: body.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/)![0],
  };
  const since = kubeTime();
  // The story's worker: 4 vCPU, 8 GB.
  const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
  const created = await request(server, kubelet, 'POST', '/api/v1/nodes', {
    body: {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'k3s' } },
      spec: { providerID: `k3s://${name}` },
      status: {
        capacity, allocatable: capacity, conditions: healthyNodeConditions(since, since),
        addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
        nodeInfo: { kubeletVersion: K3S_VERSION, osImage: 'Ubuntu 22.04.5 LTS', kernelVersion: '6.8.12-9-pve', containerRuntimeVersion: CONTAINERD_VERSION, operatingSystem: 'linux', architecture: 'amd64' },
      },
    },
  });
  if (created.status !== 201) throw new Error(`registering node ${name}: ${created.status} ${created.body}`);
  const heartbeat = setInterval(() => {
    void request(server, kubelet, 'PATCH', `/api/v1/nodes/${name}/status`, {
      body: { status: { conditions: healthyNodeConditions(kubeTime(), since) } }, contentType: 'application/strategic-merge-patch+json',
    }).catch(() => undefined);
  }, 500);
  return { kubelet, stop: () => clearInterval(heartbeat) };
}
