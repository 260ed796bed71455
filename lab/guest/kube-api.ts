import type { VirtualNetwork } from '../net/virtual-network';
import { openVirtualRequest, virtualRequest } from './virtual-https';

export interface KubeCredentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

/** The kubelet's client for the Kubernetes API: JSON over the virtual network with its node client certificate. */
export class KubeApi {
  constructor(
    private readonly network: VirtualNetwork,
    private readonly credentials: KubeCredentials,
  ) {}

  async request(method: string, path: string, body?: unknown, contentType = 'application/json', signal?: AbortSignal): Promise<{ status: number; json: any }> {
    const response = await virtualRequest(this.network, {
      url: this.credentials.server + path,
      method,
      headers: { Accept: 'application/json', 'User-Agent': 'k3s/v1.34.3+k3s1 (linux/amd64) kubernetes/lab', ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      ca: this.credentials.ca,
      cert: this.credentials.cert,
      key: this.credentials.key,
      signal,
    });
    let json: any = undefined;
    try {
      json = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      json = { message: response.body };
    }
    return { status: response.status, json };
  }

  /** Streams watch events (one JSON object per line) until the server ends the watch or `signal` aborts. */
  async *watch(path: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    const response = await openVirtualRequest(this.network, {
      url: this.credentials.server + path,
      headers: { Accept: 'application/json' },
      ca: this.credentials.ca,
      cert: this.credentials.cert,
      key: this.credentials.key,
      signal,
    });
    if (response.statusCode !== 200) {
      response.resume();
      throw new Error(`watch ${path}: ${response.statusCode}`);
    }
    let buffered = '';
    for await (const chunk of response) {
      buffered += (chunk as Buffer).toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield JSON.parse(line) as WatchEvent;
      }
    }
  }
}
