import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { ChangeLog, unrecordedChanges } from '../changes/change';
import { InfrastructureError } from '../errors';
import type { SecretRegistry } from '../secrets/secret-registry';
import { retryingHttpLibrary } from './retrying-http';

/** What a cluster client is given by its run: where its writes are recorded, and where the secrets it reads go. */
export interface ClusterClientOptions {
  changes?: ChangeLog;
  secrets: SecretRegistry;
}

/** The Kubernetes API of the cluster the worker joins, as the kubeconfig describes it (TLS verified by its CA). */
export class ClusterClient {
  readonly core: k8s.CoreV1Api;
  private readonly configuration: k8s.Configuration;
  /** Retries waited out before anyone listened (while connecting), handed to the first listener. */
  private unheardRetries: string[] = [];
  /** Requests sent through `core` so far, retries included: what a check costs the API server. */
  requestCount = 0;
  private retryListener?: (message: string) => void;

  /** Told each time the API server throttles (429) or is briefly unavailable (503) and a call is retried. */
  set onRetry(listener: (message: string) => void) {
    this.retryListener = listener;
    for (const message of this.unheardRetries.splice(0)) listener(message);
  }

  constructor(
    readonly kubeconfig: k8s.KubeConfig,
    changes: ChangeLog = unrecordedChanges,
  ) {
    const cluster = kubeconfig.getCurrentCluster();
    if (!cluster) throw new InfrastructureError('kubernetes', 'the kubeconfig has no current cluster');
    // As makeApiClient builds it, with a transport that waits out throttling instead of failing the step, and that
    // records every write.
    this.configuration = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeconfig },
      httpApi: retryingHttpLibrary({
        notice: (message) => (this.retryListener ? this.retryListener(message) : this.unheardRetries.push(message)),
        onRequest: () => void (this.requestCount += 1),
        changes,
      }),
    });
    this.core = new k8s.CoreV1Api(this.configuration);
  }

  /** Another API group's client on the same transport (throttling waited out, writes recorded). */
  api<T>(ApiClass: new (configuration: k8s.Configuration) => T): T {
    return new ApiClass(this.configuration);
  }

  /** Loads a kubeconfig file, or the in-cluster service account when no path is given; registers its credentials as secrets. */
  static fromFile(path: string, options: ClusterClientOptions): ClusterClient {
    const kubeconfig = new k8s.KubeConfig();
    try {
      kubeconfig.loadFromFile(path);
    } catch (error) {
      throw new InfrastructureError('kubernetes', `cannot load KUBECONFIG "${path}": ${(error as Error).message}`);
    }
    for (const user of kubeconfig.getUsers()) {
      options.secrets.register(user.keyData);
      if (user.keyData) options.secrets.register(Buffer.from(user.keyData, 'base64').toString('utf8'));
      options.secrets.register(user.token);
      options.secrets.register(user.password);
    }
    if (!kubeconfig.getCurrentCluster()) throw new InfrastructureError('kubernetes', `KUBECONFIG "${path}" has no current cluster`);
    return new ClusterClient(kubeconfig, options.changes);
  }

  /**
   * The pod's ServiceAccount, as client-go's in-cluster config reads it: KUBERNETES_SERVICE_HOST/PORT and the token
   * and CA under /var/run/secrets/kubernetes.io/serviceaccount (below SUITE_SERVICE_ACCOUNT_ROOT, for tests).
   */
  static inCluster(options: ClusterClientOptions, root = process.env.SUITE_SERVICE_ACCOUNT_ROOT ?? ''): ClusterClient {
    const kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromCluster(root);
    const tokenFile = `${root}/var/run/secrets/kubernetes.io/serviceaccount/token`;
    try {
      options.secrets.register(readFileSync(tokenFile, 'utf8'));
    } catch (error) {
      throw new InfrastructureError('kubernetes', `no ServiceAccount token at ${tokenFile} (${(error as NodeJS.ErrnoException).code}): is the pod's automountServiceAccountToken off?`);
    }
    return new ClusterClient(kubeconfig, options.changes);
  }

  /** The API server's version, `v1.34.3+k3s1` on k3s (GET /version). */
  async serverVersion(): Promise<string> {
    return (await this.api(k8s.VersionApi).getCode()).gitVersion;
  }

  get server(): string {
    return this.kubeconfig.getCurrentCluster()!.server;
  }
}

/** The Status message of a failed API call ("pods \"x\" not found"), or the error's own message. */
export function kubernetesErrorMessage(error: unknown): string {
  if (error instanceof k8s.ApiException) {
    try {
      const status = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      if (status?.message) return `${error.code} ${status.reason ?? ''}: ${status.message}`.replace(' :', ':');
    } catch {
      // not a Status body
    }
    return `HTTP ${error.code}`;
  }
  return (error as Error).message;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof k8s.ApiException && error.code === 404;
}

/** The object read, or undefined when it does not exist; any other failure is passed on. */
export function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  return read.catch((error) => (isNotFound(error) ? undefined : Promise.reject(error)));
}
