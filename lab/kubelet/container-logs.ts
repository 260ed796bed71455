/** One line a container wrote, with the time containerd stamped on it (CRI log format). */
export interface LogLine {
  time: Date;
  text: string;
}

export interface LogReadOptions {
  tailLines?: number;
  timestamps?: boolean;
}

/**
 * The container logs one kubelet keeps (/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log on a real node), which
 * the API server reads through the kubelet for `kubectl logs`. Keyed by pod uid and container name.
 */
export class ContainerLogs {
  private readonly logs = new Map<string, LogLine[]>();

  append(podUid: string, container: string, lines: LogLine[]): void {
    const key = `${podUid}/${container}`;
    this.logs.set(key, [...(this.logs.get(key) ?? []), ...lines]);
  }

  has(podUid: string, container: string): boolean {
    return this.logs.has(`${podUid}/${container}`);
  }

  /** The log as the kubelet serves it: lines ending in newlines, RFC 3339 nano timestamps first with `timestamps`. */
  read(podUid: string, container: string, options: LogReadOptions = {}): string {
    let lines = this.logs.get(`${podUid}/${container}`) ?? [];
    if (options.tailLines !== undefined && options.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - options.tailLines));
    const stamp = (time: Date) => time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
    return lines.map((line) => `${options.timestamps ? `${stamp(line.time)} ` : ''}${line.text}\n`).join('');
  }

  /** The pod is gone from the node: its log directory is removed. */
  forget(podUid: string): void {
    for (const key of [...this.logs.keys()]) if (key.startsWith(`${podUid}/`)) this.logs.delete(key);
  }
}

/** A kubelet as the API server reaches it for logs (its :10250 endpoint): the node's address and its logs. */
export interface KubeletEndpoint {
  address: string;
  logs: ContainerLogs;
}

/**
 * The kubelets of one lab by node name, as the API server finds them through the Node's InternalIP and kubelet port.
 * A kubelet registers while it runs; a node whose kubelet is gone has no endpoint (the connection is refused).
 */
export class KubeletDirectory {
  private readonly kubelets = new Map<string, KubeletEndpoint>();

  register(nodeName: string, endpoint: KubeletEndpoint): () => void {
    this.kubelets.set(nodeName, endpoint);
    return () => {
      if (this.kubelets.get(nodeName) === endpoint) this.kubelets.delete(nodeName);
    };
  }

  find(nodeName: string): KubeletEndpoint | undefined {
    return this.kubelets.get(nodeName);
  }
}
