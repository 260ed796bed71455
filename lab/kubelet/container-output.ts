import { fullImageName } from '../registry/container-images';
import type { LogLine } from './container-logs';

/** What the container's process can see that shows up in its start-up lines. */
export interface ContainerContext {
  container: { name: string; image: string; env?: Array<{ name: string; value?: string }> };
  startedAt: Date;
  /** `uname -r` of the node (containers share its kernel). */
  kernelRelease: string;
  cpus: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
/** nginx's error log time: 2025/12/12 10:00:00 (UTC in the container). */
const nginxTime = (t: Date) => `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
/** klog's header: I1212 10:00:00.123456       1 file.go:123] */
const klog = (t: Date, source: string) =>
  `I${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}000       1 ${source}]`;
const rfc3339 = (t: Date) => t.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * nginx's official image: the docker-entrypoint.sh lines (nginx/docker-nginx entrypoint/docker-entrypoint.sh and its
 * /docker-entrypoint.d scripts), then nginx's own notices, one worker per CPU (`worker_processes auto`).
 */
function nginx(context: ContainerContext, alpine: boolean): string[] {
  const time = nginxTime(context.startedAt);
  const notice = (text: string) => `${time} [notice] 1#1: ${text}`;
  return [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    notice('using the "epoll" event method'),
    notice('nginx/1.29.3'),
    notice(alpine ? 'built by gcc 14.2.0 (Alpine 14.2.0) ' : 'built by gcc 14.2.0 (Debian 14.2.0-19) '),
    notice(`OS: Linux ${context.kernelRelease}`),
    notice('getrlimit(RLIMIT_NOFILE): 1048576:1048576'),
    notice('start worker processes'),
    ...Array.from({ length: context.cpus }, (_, index) => notice(`start worker process ${30 + index}`)),
  ];
}

function coredns(): string[] {
  return [
    '.:53',
    '[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b',
    'CoreDNS-1.13.1',
    'linux/amd64, go1.24.7, 1db4568',
  ];
}

function metricsServer(context: ContainerContext): string[] {
  const t = context.startedAt;
  return [
    `${klog(t, 'serving.go:380')} Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)`,
    `${klog(t, 'handler.go:288')} Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager`,
    `${klog(t, 'requestheader_controller.go:180')} Starting RequestHeaderAuthRequestController`,
    `${klog(t, 'secure_serving.go:211')} Serving securely on [::]:10250`,
    `${klog(t, 'tlsconfig.go:243')} "Starting DynamicServingCertificateController"`,
  ];
}

function localPathProvisioner(context: ContainerContext): string[] {
  const time = rfc3339(context.startedAt);
  return [
    `time="${time}" level=debug msg="Applied config: {\\"nodePathMap\\":[{\\"node\\":\\"DEFAULT_PATH_FOR_NON_LISTED_NODES\\",\\"paths\\":[\\"/var/lib/rancher/k3s/storage\\"]}]}"`,
    `time="${time}" level=debug msg="Provisioner started"`,
    `${klog(context.startedAt, 'controller.go:824')} "Starting provisioner controller" component="rancher.io/local-path"`,
    `${klog(context.startedAt, 'controller.go:873')} "Started provisioner controller" component="rancher.io/local-path"`,
  ];
}

function traefik(context: ContainerContext): string[] {
  const time = rfc3339(context.startedAt);
  return [
    `${time} INF Traefik version 3.5.1 built on 2025-08-26T09:03:52Z version=3.5.1`,
    `${time} INF Version check is enabled.`,
    `${time} INF Traefik checks for new releases to notify you if your version is out of date.`,
    `${time} INF Starting provider aggregator *aggregator.ProviderAggregator`,
    `${time} INF Starting provider *traefik.Provider`,
    `${time} INF Starting provider *crd.Provider`,
    `${time} INF label selector is: "" providerName=kubernetescrd`,
    `${time} INF Creating in-cluster Provider client providerName=kubernetescrd`,
    `${time} INF Starting provider *ingress.Provider`,
    `${time} INF ingress label selector is: "" providerName=kubernetes`,
    `${time} INF Creating in-cluster Provider client providerName=kubernetes`,
  ];
}

/** klipper-lb's entry script runs under `set -x`: its trace and its one INFO line. */
function klipperLb(context: ContainerContext): string[] {
  const env = (name: string) => context.container.env?.find((e) => e.name === name)?.value ?? '';
  return [
    '+ trap exit TERM INT', '+ BIN_DIR=/usr/sbin', '+ check_iptables_mode', '+ set +e', '+ lsmod', '+ grep -qF nf_tables',
    "+ '[' 0 = 0 ]", '+ mode=nft', '+ set -e', "+ info 'nft mode detected'", "+ echo '[INFO] ' 'nft mode detected'",
    '[INFO]  nft mode detected', '+ set_nft', '+ start_proxy',
    `+ echo 0.0.0.0/0`, `+ grep -Eq :`, `+ iptables -t filter -I FORWARD -s 0.0.0.0/0 -p ${env('DEST_PROTO')} --dport ${env('DEST_PORT')} -j ACCEPT`,
    "+ '[' '!' -e /pause ]", '+ mkfifo /pause',
  ];
}

function klipperHelm(context: ContainerContext): string[] {
  const chart = context.container.env?.find((e) => e.name === 'NAME')?.value ?? 'traefik';
  return [
    `+ export HELM_HOST=127.0.0.1:44134`, `+ helm_v3 install --set-string global.systemDefaultRegistry= ${chart} /tmp/${chart}.tgz`,
    `NAME: ${chart}`, `LAST DEPLOYED: ${context.startedAt.toUTCString().replace('GMT', '+0000')}`, 'NAMESPACE: kube-system', 'STATUS: deployed',
    'REVISION: 1', 'TEST SUITE: None',
  ];
}

/**
 * The lines a container prints when it starts, by image: nginx exactly as its image does, k3s's system images
 * plausibly, anything else nothing. Each line is stamped with the start time.
 */
export function startupOutput(context: ContainerContext): LogLine[] {
  const image = fullImageName(context.container.image);
  const repository = image.replace(/[:@][^/]*$/, '');
  const lines = ((): string[] => {
    switch (repository) {
      case 'docker.io/library/nginx': return nginx(context, /alpine/.test(image));
      case 'docker.io/rancher/mirrored-coredns-coredns': return coredns();
      case 'docker.io/rancher/mirrored-metrics-server': return metricsServer(context);
      case 'docker.io/rancher/local-path-provisioner': return localPathProvisioner(context);
      case 'docker.io/rancher/mirrored-library-traefik': return traefik(context);
      case 'docker.io/rancher/klipper-lb': return klipperLb(context);
      case 'docker.io/rancher/klipper-helm': return klipperHelm(context);
      default: return [];
    }
  })();
  return lines.map((text) => ({ time: context.startedAt, text }));
}
