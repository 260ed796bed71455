import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../contracts/kube-object';
import type { LabTiming } from '../../timing';
import type { AccessRequest, Caller, Decision } from './api-access';
import type { PolicyRule } from './rbac-authorizer';
import type { ObjectStore } from './object-store';
import type { StatusCause } from './status-errors';
import type { Printer } from './table-output';

/**
 * One resource the emulated API server serves, in one place: what discovery says about it, and its strategy as
 * kube-apiserver keeps one per resource (pkg/registry/<group>/<resource>/strategy.go): defaults, what a create adds,
 * validation, the field labels its selectors accept, and the printer behind `kubectl get`. Adding a resource is
 * writing one of these in lab/k3s/resources/ and listing it in resources/index.ts.
 */
export interface ResourceDefinition {
  /** The API group: '' for core (served under /api), else e.g. `batch` (served under /apis/batch). */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Discovery's categories (`kubectl get all` lists the resources in `all`). */
  categories?: string[];
  verbs: string[];
  /** Subresources with their own verbs: `status` follows the status strategy, the others serve themselves. */
  subresources: Record<string, SubresourceDefinition>;
  /**
   * The @kubernetes/client-node model of the kind's Go type (`V1Pod`): its attributeTypeMap lists the fields the
   * strict decoder knows. Without one, bodies are not checked for unknown fields.
   */
  model?: string;
  /** Whether metadata.generation counts spec changes (1 on create, +1 on each update that changes the spec). */
  tracksGeneration?: boolean;
  /** API defaulting (pkg/apis/<group>/v1/defaults.go), on every create and update before validation. */
  defaults?(object: KubeObject): void;
  /** The strategy's PrepareForCreate and the admission plugins that change new objects (ServiceAccount, IPAM). */
  prepareForCreate?(object: KubeObject, context: ApiContext): void;
  /** pkg/apis/<group>/validation beyond the object's name; `previous` is the stored object on an update. */
  validate?(object: KubeObject, previous?: KubeObject): StatusCause[];
  /** The name rule of ValidateObjectMeta: undefined for a valid name, else the message; DNS-1123 subdomain by default. */
  validateName?(name: string): string | undefined;
  /** Field labels the registry's selector conversion accepts besides metadata.name and metadata.namespace. */
  fieldLabels?: Record<string, (object: KubeObject) => string>;
  /** The server-side printer (pkg/printers/internalversion); the default is NAME and CREATED AT. */
  printer?: Printer;
  /** A DELETE that is more than a removal (graceful pod deletion, a terminating namespace); returns what is answered. */
  delete?(current: KubeObject, options: DeleteRequest, context: ApiContext): KubeObject;
  /** A resource that is computed, not stored (SelfSubjectAccessReview): answers the create itself. */
  createVirtual?(body: KubeObject, request: SubresourceRequest): KubeObject;
}

export interface DeleteRequest {
  gracePeriodSeconds?: number;
}

export interface SubresourceDefinition {
  kind: string;
  /** The group and version of `kind` when it is not the resource's own (pods/eviction is policy/v1 Eviction). */
  group?: string;
  version?: string;
  verbs: string[];
  /** Serves the subresource (binding, eviction, log, token); absent for `status`, which the generic update handles. */
  serve?(request: SubresourceRequest): SubresourceAnswer | Promise<SubresourceAnswer>;
}

/** What the server knows and offers to a resource's own code. */
export interface ApiContext {
  store: ObjectStore;
  timing: LabTiming;
  services: ApiServices;
}

/**
 * The server's parts a resource reaches beyond its own objects: the authorizer (access reviews), the ServiceAccount
 * token issuer (TokenRequest), and the kubelets (pod logs, which kube-apiserver fetches from the pod's node).
 */
export interface ApiServices {
  /** The authorizer chain's decision, with RBAC's reason when it allows. */
  decide(caller: Caller, access: AccessRequest): Decision;
  /** The RBAC rules bound to `caller`, cluster-wide and in `namespace` (for rules reviews). */
  rulesFor(caller: Caller, namespace: string | undefined): PolicyRule[];
  issueServiceAccountToken(namespace: string, name: string, expirationSeconds: number, audiences: string[]): { token: string; expiresAt: Date };
  containerLog(pod: KubeObject, container: string, options: { tailLines?: number; timestamps?: boolean; previous?: boolean }): Promise<string>;
}

export interface SubresourceRequest extends ApiContext {
  caller: Caller;
  namespace?: string;
  name: string;
  body?: unknown;
  query: URLSearchParams;
  dryRun: boolean;
  http: { request: IncomingMessage; response: ServerResponse };
}

/** A JSON answer (an object or a Status), or text (pod logs). */
export type SubresourceAnswer = { code: number; json: unknown } | { code: number; text: string };

/** `v1` for core, `<group>/<version>` otherwise: what objects carry as apiVersion. */
export function apiVersionOf(type: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Whether the main endpoint ignores status changes and /status ignores the rest (the status strategies). */
export function hasStatus(type: ResourceDefinition): boolean {
  return 'status' in type.subresources;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const STATUS_SUBRESOURCE = (kind: string): SubresourceDefinition => ({ kind, verbs: ['get', 'patch', 'update'] });
