import { randomBytes } from 'node:crypto';
import { NODE_PASSWORD_REJECTED } from '../contracts/k3s-join';
import { binaryRelease } from '../net/k3s-release-assets';
import { k3sRelease } from '../net/k3s-releases';
import { caBundleHash } from '../pki/certificates';
import { abortableDelay } from './abortable-delay';
import { guestAddress, type GuestView } from './guest-view';
import { importAgentImages } from './image-import';
import { klogLine, logrusLine } from './journal';
import { KubeApi } from './kube-api';
import { Kubelet, type AgentLogger } from './kubelet';
import { setupKernelTunables } from './kernel-tunables';
import { lxcPrerequisites, type LxcPrerequisites } from './lxc-prerequisites';
import type { ServiceProgram } from './systemd';
import { osReleaseValue } from './templates';
import { TransportError, virtualRequest } from './virtual-https';

const UNIT = 'k3s-agent.service';
const K3S_BINARY_PATH = '/usr/local/bin/k3s';
const PASSWORD_FILE = '/etc/rancher/node/password';

interface JoinToken {
  caHash?: string;
  username: string;
  password: string;
}

/**
 * K10<sha256 of the CA bundle>::<user>:<password> (secure) or a bare password (no CA pinning). The agent always
 * authenticates as `node`, whatever user the token names (pkg/agent/config: clientaccess.WithUser("node")).
 */
export function parseJoinToken(token: string): JoinToken {
  const secure = /^K10([0-9a-f]{64})::(.*)$/.exec(token);
  if (!secure) return { username: 'node', password: token };
  const credentials = secure[2];
  const at = credentials.indexOf(':');
  return { caHash: secure[1], username: 'node', password: at < 0 ? credentials : credentials.slice(at + 1) };
}

/**
 * `k3s agent` as the k3s-agent unit's main process (k3s pkg/agent/run.go): checks the container can host a kubelet,
 * retrieves its certificates from the server (retrying every 2 s and saying why in the journal), then runs the
 * kubelet. It reports READY to systemd only once the Node is registered.
 */
export function k3sAgentProgram(view: GuestView): ServiceProgram {
  return async ({ pid, args, environment, signal, notifyReady }) => {
    const journal = (message: string) => view.journal.append(UNIT, 'k3s', pid, message);
    const log = (level: 'info' | 'warning' | 'error' | 'fatal', message: string) => journal(logrusLine(level, message));
    const flag = (name: string) => {
      const at = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
      if (at < 0) return undefined;
      return args[at].includes('=') ? args[at].slice(name.length + 1) : args[at + 1];
    };
    const wait = (ms: number) => view.timing.wait(ms, signal).then(() => true, () => false);
    const config = view.bootConfig();
    const server = (flag('--server') ?? environment.K3S_URL ?? '').replace(/\/$/, '');
    let token = flag('--token') ?? environment.K3S_TOKEN;
    if (!token && environment.K3S_TOKEN_FILE && (await view.fs.exists(environment.K3S_TOKEN_FILE))) {
      token = (await view.fs.readFile(environment.K3S_TOKEN_FILE)).trim();
    }
    const nodeName = flag('--node-name') ?? environment.K3S_NODE_NAME ?? config.hostname;

    // The release is the installed binary's: whatever install.sh downloaded, or what was copied in for an airgap install.
    const version = binaryRelease(await view.fs.readFileBuffer(K3S_BINARY_PATH).catch(() => Buffer.alloc(0)));
    if (!version) {
      view.journal.append(UNIT, 'systemd', 1, `${UNIT}: Failed to execute ${K3S_BINARY_PATH}: Exec format error`);
      view.journal.append(UNIT, 'systemd', 1, `${UNIT}: Failed at step EXEC spawning ${K3S_BINARY_PATH}: Exec format error`);
      return 203;
    }
    log('info', `Starting k3s agent ${version} (${k3sRelease(version).commit})`);
    if (!server) return fatal(log, '--server is required');
    if (!token) return fatal(log, '--token is required');

    const prerequisites = lxcPrerequisites(config);
    if (!prerequisites.memoryCgroup) return fatal(log, 'failed to find memory cgroup (v2)');
    if (!prerequisites.nesting) log('warning', 'Failed to set up user namespaces; nesting is not enabled for this container');

    const password = await nodePassword(view);
    const joinToken = parseJoinToken(token);
    let credentials: { ca: string; cert: string; key: string } | undefined;
    while (!credentials) {
      if (signal.aborted) return 0;
      credentials = await retrieveAgentConfig(view, server, joinToken, nodeName, password, log, signal);
      // k3s retries every 2 s; LabTiming.period keeps scale 0 from spinning.
      if (!credentials && !(await abortableDelay(view.timing.period(2000), signal).then(() => true, () => false))) return 0;
    }
    await writeAgentFiles(view, credentials);
    log('info', 'Logging containerd to /var/lib/rancher/k3s/agent/containerd/containerd.log');
    log('info', 'Running containerd -c /var/lib/rancher/k3s/agent/etc/containerd/config.toml');
    log('info', 'containerd is now running');
    if (!(await importAgentImages(view, log, signal).then(() => true, () => false))) return 0;
    const ip = guestAddress(config)?.ip ?? '';
    // Lab fault maxPods stands for `--kubelet-arg=max-pods=N`; k3s logs the kubelet's flags sorted.
    const maxPods = view.faults.maxPodsSetting;
    const maxPodsFlag = maxPods === undefined ? '' : ` --max-pods=${maxPods}`;
    log('info', `Running kubelet --address=0.0.0.0 --cgroup-driver=systemd --hostname-override=${nodeName} --kubeconfig=/var/lib/rancher/k3s/agent/kubelet.kubeconfig${maxPodsFlag} --node-ip=${ip} --node-labels= --pod-manifest-path=/var/lib/rancher/k3s/agent/pod-manifests`);
    if (!(await wait(1500))) return 0;
    if (!(await view.fs.exists('/dev/kmsg'))) {
      // The kubelet's OOM watcher opens /dev/kmsg; LXC only has it with the bind-mount entry.
      journal(klogLine('E', pid, 'run.go:72', '"command failed" err="failed to run Kubelet: failed to create kubelet: open /dev/kmsg: no such file or directory"'));
      journal('Error: failed to create kubelet: open /dev/kmsg: no such file or directory');
      return 1;
    }
    if (!startContainerManager(view, prerequisites, ([source, message]) => journal(klogLine('E', pid, source, message)))) return 1;

    const api = new KubeApi(view.network, { server, ...credentials });
    const osImage = osReleaseValue(view.template.osRelease, 'PRETTY_NAME') ?? 'Linux';
    const logger: AgentLogger = { info: (message) => log('info', message), klog: (severity, source, message) => journal(klogLine(severity, pid, source, message)) };
    const kubelet = new Kubelet(view, api, nodeName, osImage, signal, logger, maxPods, version, environment);
    await kubelet.run(() => {
      log('info', 'k3s agent is up and running');
      notifyReady();
    }).catch(() => undefined);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    return 0;
  };
}

/**
 * The kubelet's ContainerManager start (container_manager_linux.go setupNode -> setupKernelTunables): the kernel
 * settings it wants are written through the container's /proc/sys into the host's kernel when that is writable;
 * otherwise each write fails and the kubelet exits (kubelet.go initializeRuntimeDependentModules: "Failed to start
 * ContainerManager", os.Exit(1)), taking k3s with it. In a user namespace the kubelet first logs a hint per flag.
 */
function startContainerManager(view: GuestView, prerequisites: LxcPrerequisites, klog: (line: [source: string, message: string]) => void): boolean {
  const privileged = !view.bootConfig().unprivileged;
  const { errors } = setupKernelTunables(view.host.kernel, { privileged, procSysWritable: prerequisites.procSysWritable });
  if (!errors.length) return true;
  if (!privileged) {
    for (const { flag, error } of errors) {
      klog(['container_manager_linux.go:499', `"Updating kernel flag failed (Hint: enable KubeletInUserNamespace feature flag to ignore the error)" err="${error}" flag="${flag}"`]);
    }
  }
  // utilerrors.NewAggregate: one error as itself, several as [a, b, c].
  const aggregate = errors.length === 1 ? errors[0].error : `[${errors.map(({ error }) => error).join(', ')}]`;
  klog(['kubelet.go:1716', `"Failed to start ContainerManager" err="${aggregate}"`]);
  return false;
}

function fatal(log: (level: 'fatal', message: string) => void, message: string): number {
  log('fatal', message);
  return 1;
}

/** /etc/rancher/node/password: made once, on first start; the server remembers it per node name. */
async function nodePassword(view: GuestView): Promise<string> {
  if (await view.fs.exists(PASSWORD_FILE)) return (await view.fs.readFile(PASSWORD_FILE)).trim();
  const password = randomBytes(16).toString('hex');
  await view.fs.mkdir('/etc/rancher/node', { recursive: true });
  await view.fs.writeFile(PASSWORD_FILE, `${password}\n`);
  await view.fs.chmod(PASSWORD_FILE, 0o600);
  return password;
}

async function retrieveAgentConfig(
  view: GuestView,
  server: string,
  token: JoinToken,
  nodeName: string,
  password: string,
  log: (level: 'info' | 'error', message: string) => void,
  signal: AbortSignal,
): Promise<{ ca: string; cert: string; key: string } | undefined> {
  let ca: string;
  try {
    const response = await virtualRequest(view.network, { url: `${server}/cacerts`, insecure: true, signal });
    if (response.status !== 200) throw new TransportError('HTTP', `${server}/cacerts: ${response.status}`);
    ca = response.body;
  } catch (error) {
    if (!signal.aborted) log('error', `failed to get CA certs: Get "${server}/cacerts": ${(error as Error).message}`);
    return undefined;
  }
  // k3s's hashCA: the bytes for one certificate, the root's DER for a bundle (pkg/clientaccess/token.go).
  const actual = caBundleHash(ca);
  if (token.caHash && token.caHash !== actual) {
    log('error', `token CA hash does not match the Cluster CA certificate hash: ${token.caHash} != ${actual}`);
    return undefined;
  }
  const url = `${server}/v1-k3s/client-kubelet.crt`;
  try {
    const response = await virtualRequest(view.network, {
      url,
      ca,
      signal,
      headers: {
        Authorization: `Basic ${Buffer.from(`${token.username}:${token.password}`).toString('base64')}`,
        'K3s-Node-Name': nodeName,
        'K3s-Node-Password': password,
      },
    });
    if (response.status === 200) {
      const certs = response.body.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
      const key = response.body.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----\n?/)?.[0] ?? '';
      return { ca, cert: certs.join(''), key };
    }
    // The real agent logs its own text for any 403, whatever the body says (pkg/agent/config, getServingCert).
    const reason = response.status === 403 ? NODE_PASSWORD_REJECTED : `${url}: ${response.status} ${statusText(response.status)}`;
    log('info', `Waiting to retrieve agent configuration; server is not ready: ${reason}`);
  } catch (error) {
    if (signal.aborted) return undefined;
    const message = (error as { code?: string }).code?.includes('CERT') || (error as Error).message.includes('certificate')
      ? 'tls: failed to verify certificate: x509: certificate signed by unknown authority'
      : (error as Error).message;
    log('info', `Waiting to retrieve agent configuration; server is not ready: Get "${url}": ${message}`);
  }
  return undefined;
}

function statusText(status: number): string {
  return ({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? '';
}

async function writeAgentFiles(view: GuestView, credentials: { ca: string; cert: string; key: string }): Promise<void> {
  const dir = '/var/lib/rancher/k3s/agent';
  await view.fs.mkdir(dir, { recursive: true });
  await view.fs.writeFile(`${dir}/server-ca.crt`, credentials.ca);
  await view.fs.writeFile(`${dir}/client-kubelet.crt`, credentials.cert);
  await view.fs.writeFile(`${dir}/client-kubelet.key`, credentials.key);
}
