import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../../contracts/kube-object';
import { forbidden } from './status-errors';

/** Who is calling, read from a client certificate the way kube-apiserver's x509 authenticator does: CN user, O groups. */
export interface Caller {
  user: string;
  groups: string[];
}

export function authenticate(request: IncomingMessage): Caller | undefined {
  const socket = request.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerCertificate()?.subject;
  const user = Array.isArray(subject?.CN) ? subject.CN[0] : subject?.CN;
  if (!user) return undefined;
  const organizations = subject.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
  return { user, groups: [...organizations, 'system:authenticated'] };
}

export interface AccessRequest {
  verb: string;
  /** The resource's API group, '' for core. */
  group: string;
  /** `pods`, `nodes/status`, `pods/binding` */
  resource: string;
  namespace?: string;
  name?: string;
  /** The stored object being acted on, when there is one (the node authorizer looks at pod.spec.nodeName). */
  target?: KubeObject;
}

const READ = new Set(['get', 'list', 'watch']);

/** An authorizer's answer, with its reason as SubjectAccessReview status shows it. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** RBAC's verdict: the reason it allows (`RBAC: allowed by ...`), or undefined for no opinion. */
export type RbacAuthorizer = (caller: Caller, access: AccessRequest) => string | undefined;

/**
 * What every authenticated user may do in k3s as in any cluster (the bootstrap ClusterRole system:basic-user, bound
 * to system:authenticated): ask what they themselves may do.
 */
const SELF_REVIEWS: Record<string, string[]> = {
  'authorization.k8s.io': ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  'authentication.k8s.io': ['selfsubjectreviews'],
};

/**
 * The authorizer chain as k3s configures kube-apiserver (--authorization-mode=Node,RBAC, with system:masters as the
 * privileged group first): masters may do anything; a kubelet (system:node:<name>, group system:nodes) what the Node
 * authorizer and NodeRestriction admission let it do for its own node; then RBAC over the stored roles, which also
 * has the bootstrap basic-user rule for self reviews.
 */
export function decide(caller: Caller, access: AccessRequest, rbac: RbacAuthorizer = () => undefined): Decision {
  if (caller.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const nodeName = caller.groups.includes('system:nodes') && caller.user.startsWith('system:node:') ? caller.user.slice('system:node:'.length) : undefined;
  if (nodeName && nodeMay(nodeName, access)) return { allowed: true, reason: '' };
  if (caller.groups.includes('system:authenticated') && access.verb === 'create' && SELF_REVIEWS[access.group]?.includes(access.resource)) {
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"' };
  }
  const reason = rbac(caller, access);
  return reason === undefined ? { allowed: false, reason: '' } : { allowed: true, reason };
}

/** The chain, refusing with the apiserver's Forbidden Status. */
export function authorize(caller: Caller, access: AccessRequest, rbac: RbacAuthorizer = () => undefined): void {
  if (!decide(caller, access, rbac).allowed) throw forbidden(caller.user, access.verb, access.resource, access.namespace, access.name);
}

function nodeMay(nodeName: string, { verb, group, resource, namespace, name, target }: AccessRequest): boolean {
  const [base] = resource.split('/');
  // The system:node ClusterRole lets kubelets manage leases; NodeRestriction admission keeps each to its own.
  if (group === 'coordination.k8s.io') return resource === 'leases' && namespace === 'kube-node-lease' && name === nodeName;
  if (group !== '') return false;
  if (READ.has(verb)) return base !== 'secrets' || name === undefined || name.startsWith(`${nodeName}.`);
  switch (resource) {
    case 'nodes':
    case 'nodes/status':
      return name === nodeName;
    case 'pods/status':
      return target?.spec?.nodeName === nodeName;
    case 'pods':
      return verb === 'delete' && target?.spec?.nodeName === nodeName;
    case 'events':
      return ['create', 'update', 'patch'].includes(verb);
    default:
      return false;
  }
}
