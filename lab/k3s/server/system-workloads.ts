import type { KubeObject } from '../../contracts/kube-object';

/**
 * What a k3s v1.34 server deploys in kube-system from its packaged manifests (k3s-io/k3s manifests/coredns.yaml,
 * local-storage.yaml, metrics-server/, traefik.yaml through helm-controller, and ServiceLB's DaemonSet for the
 * traefik LoadBalancer Service, pkg/cloudprovider/servicelb.go), with the images of scripts/airgap/image-list.txt.
 * Only the fields `kubectl get`, `describe` and a health check read are kept.
 */
export const K3S_IMAGES = {
  coredns: 'rancher/mirrored-coredns-coredns:1.13.1',
  localPath: 'rancher/local-path-provisioner:v0.0.32',
  metricsServer: 'rancher/mirrored-metrics-server:v0.8.0',
  traefik: 'rancher/mirrored-library-traefik:3.5.1',
  klipperHelm: 'rancher/klipper-helm:v0.9.12-build20251215',
  klipperLb: 'rancher/klipper-lb:v0.4.13',
  busybox: 'rancher/mirrored-library-busybox:1.37.0',
  pause: 'rancher/mirrored-pause:3.6',
};

/** The traefik chart k3s packages (helm.sh/chart label: `+` becomes `_`). */
const TRAEFIK_CHART = 'traefik-37.1.1_up37.1.1';

const CRITICAL_ADDON_TOLERATIONS = [
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
];

export interface SystemDeployment {
  deployment: KubeObject;
}

const deployment = (name: string, labels: Record<string, string>, selector: Record<string, string>, spec: KubeObject['spec'], extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'kube-system', labels },
  spec: {
    replicas: 1, selector: { matchLabels: selector },
    template: { metadata: { labels: selector }, spec: { tolerations: CRITICAL_ADDON_TOLERATIONS, ...spec } },
    ...extra,
  },
});

/** The four Deployments, as k3s's manifests and the traefik chart declare them. */
export function systemDeployments(): KubeObject[] {
  const traefikLabels = {
    'app.kubernetes.io/instance': 'traefik-kube-system', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'traefik',
    'helm.sh/chart': TRAEFIK_CHART,
  };
  return [
    deployment('coredns', { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' }, { 'k8s-app': 'kube-dns' }, {
      priorityClassName: 'system-cluster-critical', serviceAccountName: 'coredns', nodeSelector: { 'kubernetes.io/os': 'linux' }, dnsPolicy: 'Default',
      containers: [{
        name: 'coredns', image: K3S_IMAGES.coredns, imagePullPolicy: 'IfNotPresent', args: ['-conf', '/etc/coredns/Corefile'],
        resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
        ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }],
      }],
    }, { revisionHistoryLimit: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }),
    deployment('local-path-provisioner', {}, { app: 'local-path-provisioner' }, {
      priorityClassName: 'system-node-critical', serviceAccountName: 'local-path-provisioner-service-account',
      containers: [{
        name: 'local-path-provisioner', image: K3S_IMAGES.localPath, imagePullPolicy: 'IfNotPresent',
        command: ['local-path-provisioner', 'start', '--config', '/etc/config/config.json'],
        env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, { name: 'CONFIG_MOUNT_PATH', value: '/etc/config/' }],
      }],
    }, { revisionHistoryLimit: 0 }),
    deployment('metrics-server', { 'k8s-app': 'metrics-server' }, { 'k8s-app': 'metrics-server' }, {
      priorityClassName: 'system-cluster-critical', serviceAccountName: 'metrics-server',
      containers: [{
        name: 'metrics-server', image: K3S_IMAGES.metricsServer, imagePullPolicy: 'IfNotPresent',
        args: ['--cert-dir=/tmp', '--secure-port=10250', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', '--kubelet-use-node-status-port', '--metric-resolution=15s', '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
        resources: { requests: { cpu: '100m', memory: '70Mi' } },
        ports: [{ containerPort: 10250, name: 'https', protocol: 'TCP' }],
      }],
    }, { revisionHistoryLimit: 0 }),
    deployment('traefik', traefikLabels, { 'app.kubernetes.io/instance': 'traefik-kube-system', 'app.kubernetes.io/name': 'traefik' }, {
      priorityClassName: 'system-cluster-critical', serviceAccountName: 'traefik', terminationGracePeriodSeconds: 60,
      containers: [{
        name: 'traefik', image: K3S_IMAGES.traefik, imagePullPolicy: 'IfNotPresent',
        args: ['--entryPoints.metrics.address=:9100/tcp', '--entryPoints.traefik.address=:8080/tcp', '--entryPoints.web.address=:8000/tcp',
          '--entryPoints.websecure.address=:8443/tcp', '--api.dashboard=true', '--ping=true', '--metrics.prometheus=true',
          '--providers.kubernetescrd', '--providers.kubernetesingress', '--entryPoints.websecure.http.tls=true'],
        ports: [{ containerPort: 9100, name: 'metrics', protocol: 'TCP' }, { containerPort: 8080, name: 'traefik', protocol: 'TCP' },
          { containerPort: 8000, name: 'web', protocol: 'TCP' }, { containerPort: 8443, name: 'websecure', protocol: 'TCP' }],
      }],
    }, { revisionHistoryLimit: 10 }),
  ];
}

/** helm-controller's install Jobs for the traefik CRD chart and the traefik chart (klipper-helm). */
export function helmInstallJobs(): KubeObject[] {
  return ['traefik-crd', 'traefik'].map((chart) => ({
    metadata: { name: `helm-install-${chart}`, namespace: 'kube-system', labels: { 'helmcharts.helm.cattle.io/chart': chart },
      annotations: { 'helmcharts.helm.cattle.io/configHash': 'SHA256=6F4C2B3F1E7E6D1A0B5C9E8D7F6A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8' } },
    spec: {
      backoffLimit: 1000,
      template: {
        metadata: { labels: { 'helmcharts.helm.cattle.io/chart': chart } },
        spec: {
          restartPolicy: 'OnFailure', serviceAccountName: `helm-${chart}`, priorityClassName: 'system-cluster-critical',
          tolerations: CRITICAL_ADDON_TOLERATIONS,
          containers: [{
            name: 'helm', image: K3S_IMAGES.klipperHelm, imagePullPolicy: 'IfNotPresent', args: ['install', '--set-string', 'global.systemDefaultRegistry='],
            env: [{ name: 'NAME', value: chart }, { name: 'VERSION', value: '' }, { name: 'REPO', value: '' }, { name: 'HELM_DRIVER', value: 'secret' },
              { name: 'CHART_NAMESPACE', value: 'kube-system' }, { name: 'CHART', value: `https://%{KUBERNETES_API}%/static/charts/${chart}-37.1.1+up37.1.1.tgz` }],
          }],
        },
      },
    },
  }));
}

/** The traefik LoadBalancer Service (from the chart) and the other Services of a fresh server. */
export function systemServices(serverIp: string): KubeObject[] {
  const service = (namespace: string, name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject => ({
    metadata: { name, namespace, labels }, spec: { ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None', ...spec },
  });
  return [
    service('default', 'kubernetes', { type: 'ClusterIP', clusterIP: '10.43.0.1', clusterIPs: ['10.43.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
      { component: 'apiserver', provider: 'kubernetes' }),
    service('kube-system', 'kube-dns', {
      type: 'ClusterIP', clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], selector: { 'k8s-app': 'kube-dns' },
      ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 }],
    }, { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' }),
    service('kube-system', 'metrics-server', {
      type: 'ClusterIP', clusterIP: '10.43.129.66', clusterIPs: ['10.43.129.66'], selector: { 'k8s-app': 'metrics-server' },
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }],
    }, { 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'Metrics-server' }),
    {
      ...service('kube-system', 'traefik', {
        type: 'LoadBalancer', clusterIP: '10.43.94.125', clusterIPs: ['10.43.94.125'], externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true,
        selector: { 'app.kubernetes.io/instance': 'traefik-kube-system', 'app.kubernetes.io/name': 'traefik' },
        ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 'web', nodePort: 31380 }, { name: 'websecure', port: 443, protocol: 'TCP', targetPort: 'websecure', nodePort: 30443 }],
      }, { 'app.kubernetes.io/instance': 'traefik-kube-system', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'traefik', 'helm.sh/chart': TRAEFIK_CHART }),
      status: { loadBalancer: { ingress: [{ ip: serverIp, ipMode: 'VIP' }] } },
    },
  ];
}

/**
 * ServiceLB's DaemonSet for a LoadBalancer Service: `svclb-<service>-<first 8 of its uid>`, one klipper-lb container
 * per port forwarding the node's port to the Service's nodePort (servicelb.go, newDaemonSet).
 */
export function serviceLbDaemonSet(service: KubeObject): KubeObject {
  const name = `svclb-${service.metadata.name}-${service.metadata.uid!.slice(0, 8)}`;
  const owner = { 'svccontroller.k3s.cattle.io/svcname': service.metadata.name, 'svccontroller.k3s.cattle.io/svcnamespace': service.metadata.namespace! };
  const ports = (service.spec.ports ?? []) as Array<{ port: number; protocol: string; nodePort: number }>;
  return {
    metadata: {
      name, namespace: 'kube-system', labels: { ...owner, 'svccontroller.k3s.cattle.io/nodeselector': 'false' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid!, controller: true }],
    },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...owner } },
        spec: {
          serviceAccountName: 'svclb', automountServiceAccountToken: false, priorityClassName: 'system-node-critical',
          securityContext: { sysctls: [{ name: 'net.ipv4.ip_forward', value: '1' }] },
          tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }],
          containers: ports.map((port) => ({
            name: `lb-${port.protocol.toLowerCase()}-${port.port}`, image: K3S_IMAGES.klipperLb, imagePullPolicy: 'IfNotPresent',
            ports: [{ name: `lb-${port.protocol.toLowerCase()}-${port.port}`, containerPort: port.port, hostPort: port.port, protocol: port.protocol }],
            env: [{ name: 'SRC_PORT', value: String(port.port) }, { name: 'SRC_RANGES', value: '0.0.0.0/0' }, { name: 'DEST_PROTO', value: port.protocol },
              { name: 'DEST_PORT', value: String(port.nodePort) }, { name: 'DEST_IPS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIPs' } } }],
            securityContext: { capabilities: { add: ['NET_ADMIN'] } },
          })),
        },
      },
    },
  };
}

/** The ServiceAccounts the manifests create for these workloads. */
export const SYSTEM_SERVICE_ACCOUNTS = ['coredns', 'local-path-provisioner-service-account', 'metrics-server', 'traefik', 'svclb', 'helm-traefik', 'helm-traefik-crd'];
