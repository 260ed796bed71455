import type { KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';

/** makePortString: `80/TCP`, `80:30080/TCP`. */
function servicePorts(service: KubeObject): string {
  const ports = (service.spec?.ports ?? []) as Array<{ port: number; nodePort?: number; protocol?: string }>;
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function serviceExternalIp(service: KubeObject): string {
  const external = (service.spec?.externalIPs ?? []) as string[];
  switch (service.spec?.type ?? 'ClusterIP') {
    case 'ExternalName': return service.spec?.externalName ?? '<none>';
    case 'LoadBalancer': {
      const ingress = ((service.status?.loadBalancer?.ingress ?? []) as Array<{ ip?: string; hostname?: string }>).map((i) => i.ip || i.hostname || '');
      const all = [...ingress.filter(Boolean), ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    default: return external.length ? external.join(',') : '<none>';
  }
}

function serviceRow(service: KubeObject): unknown[] {
  const selector = Object.entries((service.spec?.selector ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  return [service.metadata.name, service.spec?.type ?? 'ClusterIP', service.spec?.clusterIPs?.[0] ?? service.spec?.clusterIP ?? '<none>',
    serviceExternalIp(service), servicePorts(service), age(service), selector.join(',') || '<none>'];
}

export const services: ResourceDefinition = {
  group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'],
  verbs: ALL_VERBS.filter((verb) => verb !== 'deletecollection'),
  subresources: { status: STATUS_SUBRESOURCE('Service') },
  model: 'V1Service',
  printer: {
    columns: [nameColumn(), column('Type'), column('Cluster-IP'), column('External-IP'), column('Port(s)'), column('Age'), column('Selector', 1)],
    row: serviceRow,
  },
};
