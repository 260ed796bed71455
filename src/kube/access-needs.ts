import { NODE_PASSWORD_NAMESPACE, nodePasswordSecretName } from '../k3s/node-password';
import { TEST_POD_NAMESPACE } from './namespaces';

/** One thing a run asks of the Kubernetes API, as an RBAC rule grants it. */
export interface AccessNeed {
  verbs: string[];
  /** The API group ('' for the core group). */
  group: string;
  /** With its subresource: pods, pods/log, pods/eviction. */
  resource: string;
  /** undefined: a cluster-scoped resource, or every namespace. */
  namespace?: string;
  /** Only these objects (RBAC resourceNames). */
  names?: string[];
  why: string;
}

/**
 * What each kind of run uses the cluster for: `nightly` only reads (and its own probe and test pods), `story` adds the
 * worker the feature names, `rehearsal` adds and removes one of its own. The one list in code: the preflight asks
 * SelfSubjectAccessReview for each, the README's table and deploy/'s roles are checked against it
 * (test/suite/access-needs.test.ts).
 */
export type AccessProfile = 'nightly' | 'story' | 'rehearsal';

export const ACCESS_PROFILES: readonly AccessProfile[] = ['nightly', 'story', 'rehearsal'];

/** The worker a build profile is for stands in the rules as this, in the README and deploy/. */
export const WORKER_PLACEHOLDER = 'WORKER';

export function accessNeeds(profile: AccessProfile, worker = WORKER_PLACEHOLDER): AccessNeed[] {
  const testPods: AccessNeed[] = [
    { verbs: ['create', 'get', 'list', 'watch', 'delete'], group: '', resource: 'pods', namespace: TEST_POD_NAMESPACE, why: 'the test and probe pods, watched until Running and deleted again' },
    { verbs: ['get'], group: '', resource: 'pods/log', namespace: TEST_POD_NAMESPACE, why: 'the test pod\'s log, evidence for the scheduling criterion' },
    { verbs: ['list'], group: '', resource: 'events', namespace: TEST_POD_NAMESPACE, why: 'the scheduler\'s reason when a pod does not schedule' },
  ];
  const readNodes: AccessNeed = { verbs: ['get', 'list', 'watch'], group: '', resource: 'nodes', why: 'read the nodes and wait on a node\'s readiness' };
  const workerObjects = (name: string): AccessNeed[] => [
    { verbs: ['delete'], group: '', resource: 'nodes', names: [name], why: `delete the Node ${name} when the run removes the worker it created` },
    { verbs: ['get', 'delete'], group: '', resource: 'secrets', namespace: NODE_PASSWORD_NAMESPACE, names: [nodePasswordSecretName(name)], why: `find a stale node-password secret of ${name} before the join, and delete the one the run's join created` },
  ];
  // The nightly's snapshot (its feature's Background, so the rehearsal takes it too).
  const snapshot: AccessNeed[] = [
    { verbs: ['list'], group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', why: 'judge each kubelet alive by its Lease' },
    { verbs: ['list'], group: '', resource: 'pods', namespace: 'kube-system', why: 'the kube-system workloads check' },
  ];
  switch (profile) {
    case 'nightly':
      return [readNodes, ...snapshot, ...testPods];
    case 'story':
      return [readNodes, ...workerObjects(worker), ...testPods];
    case 'rehearsal':
      return [
        readNodes,
        ...snapshot,
        ...workerObjects(worker),
        { verbs: ['patch'], group: '', resource: 'nodes', names: [worker], why: `cordon ${worker} before it is drained` },
        { verbs: ['get', 'list', 'watch'], group: '', resource: 'pods', why: `find the pods on ${worker} in every namespace and wait until they are gone` },
        { verbs: ['create'], group: '', resource: 'pods/eviction', why: `drain ${worker} through the Eviction API, which honours PodDisruptionBudgets` },
        ...testPods,
      ];
  }
}

/** The rule as RBAC writes it (YAML flow style), for an input problem's fix and the README. */
export function rbacRule(need: AccessNeed): string {
  const list = (items: string[]) => `[${items.map((item) => `"${item}"`).join(', ')}]`;
  const names = need.names ? `, resourceNames: ${list(need.names)}` : '';
  return `{ apiGroups: ${list([need.group])}, resources: ${list([need.resource])}${names}, verbs: ${list(need.verbs)} }`;
}

/** Resources without a namespace; every other need without one means every namespace. */
const CLUSTER_SCOPED = new Set(['nodes']);

/** Where the need applies, in words ('', ' in namespace kube-system', ' in every namespace') and as kubectl's flag. */
export function needScope(need: AccessNeed): { words: string; flag: string } {
  if (need.namespace) return { words: ` in namespace ${need.namespace}`, flag: ` -n ${need.namespace}` };
  return CLUSTER_SCOPED.has(need.resource.split('/')[0]) ? { words: '', flag: '' } : { words: ' in every namespace', flag: ' -A' };
}

/** Where the rule belongs: a Role in its namespace, or a ClusterRole. */
export function ruleScope(need: AccessNeed): string {
  return need.namespace ? `Role in ${need.namespace}` : 'ClusterRole';
}
