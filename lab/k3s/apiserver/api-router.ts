import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendRaw, sendTable, sendText } from './http-responses';
import type { ApiContext } from './resource';
import type { LabTiming } from '../../timing';
import { authenticate, authorize, decide, type AccessRequest, type Caller, type Decision } from './api-access';
import { ResourceOperations } from './resource-operations';
import { ApiThrottle } from './api-throttle';
import { apiGroups, apiVersions, discoveryDocument, versionInfo } from './discovery';
import { openApiV3Document, openApiV3Index } from './openapi';
import type { KubeObject } from '../../contracts/kube-object';
import type { ObjectStore } from './object-store';
import { apiVersionOf, resourceTypeIn, type ResourceDefinition } from './resource-registry';
import { both, fieldSelector, labelSelector } from './selectors';
import { asTable, includeObjectPolicy, wantsTable, type IncludeObject } from './table-output';
import { ApiError, badRequest, failure, methodNotAllowed, unauthorized, unknownPath, unsupportedMediaType } from './status-errors';
import { decodeProtobufBody, PROTOBUF_CONTENT_TYPE, UnsupportedProtobufKind } from './protobuf-body';
import { serveWatch } from './watch';
import { ServiceAccounts } from './service-account-tokens';
import { rbacReason, rulesFor } from './rbac-authorizer';
import type { WriteRequest } from './resource-operations';
import { decodeFields, writeOptions } from './write-options';

export interface WriteRecord {
  user: string;
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export interface ApiRouterOptions {
  store: ObjectStore;
  timing: LabTiming;
  /** `<address>:<port>` clients reach the server at, for /api's serverAddressByClientCIDRs. */
  serverAddress: string;
  /** A container's log from the kubelet of the pod's node (GET pods/<name>/log). */
  containerLog: ApiContext['services']['containerLog'];
}

interface ResourcePath {
  type: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPrefix: boolean;
}

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/**
 * The Kubernetes API half of the server: discovery, OpenAPI, health, and the resources of core/v1,
 * rbac.authorization.k8s.io/v1 and batch/v1, behind client-certificate and ServiceAccount-token authentication.
 */
export class ApiRouter {
  readonly writes: WriteRecord[] = [];
  /** Lab fault: refuses the next requests as an overloaded or stopping apiserver does (ahead of any write). */
  readonly throttle = new ApiThrottle();
  /** Open watch streams: how to end each one cleanly, and its response (whose socket dropWatches destroys). */
  private readonly openWatches = new Map<ServerResponse, () => void>();

  /** ServiceAccount tokens: how a pod in the cluster authenticates (what it may do is RBAC's, from the store). */
  readonly serviceAccounts: ServiceAccounts;
  /** What resources' own code may use of the server (store, timing, authorizer, token issuer, kubelets). */
  readonly context: ApiContext;
  private readonly store: ObjectStore;
  private readonly timing: LabTiming;

  constructor(private readonly options: ApiRouterOptions) {
    this.store = options.store;
    this.timing = options.timing;
    this.serviceAccounts = new ServiceAccounts(options.store);
    this.context = {
      store: options.store,
      timing: options.timing,
      services: {
        decide: (caller, access) => this.decide(caller, access),
        rulesFor: (caller, namespace) => rulesFor(this.store, caller, namespace),
        issueServiceAccountToken: (namespace, name, expirationSeconds, audiences) => this.serviceAccounts.issueBoundToken(namespace, name, expirationSeconds, audiences),
        containerLog: (pod, container, logOptions) => options.containerLog(pod, container, logOptions),
      },
    };
  }

  /** The authorizer chain (api-access.ts, then RBAC over the store): whether `caller` may do `access`, and why. */
  decide(caller: Caller, access: AccessRequest): Decision {
    return decide(caller, access, (who, what) => rbacReason(this.store, who, what));
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      // kube-apiserver tries its authenticators in turn: client certificate, then bearer token.
      const caller = authenticate(request) ?? this.serviceAccounts.authenticate(request.headers.authorization);
      if (this.throttle.intercept(request, response, caller)) return;
      if (!caller) throw unauthorized();
      await this.route(caller, request, response);
    } catch (error) {
      if (error instanceof ApiError) return sendJson(response, error.code, error.status);
      sendJson(response, 500, failure(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`));
    }
  }

  /** Ends every open watch stream (server shutdown). */
  closeWatches(): void {
    for (const end of [...this.openWatches.values()]) end();
  }

  /** Ends every open watch abruptly, as a dropped connection or a restarted apiserver would; returns how many. */
  dropWatches(): number {
    const watches = [...this.openWatches];
    this.openWatches.clear();
    // No terminating chunk: the client sees the connection reset mid-stream. Closing the socket stops the watch.
    for (const [response, end] of watches) {
      if (response.socket) response.socket.destroy();
      else end();
    }
    return watches.length;
  }

  private async route(caller: Caller, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (request.method === 'GET') {
      if (path === '/healthz' || path === '/readyz' || path === '/livez') return sendText(response, 200, 'ok');
      if (path === '/version') return sendJson(response, 200, versionInfo());
      if (path === '/api') return sendJson(response, 200, apiVersions(this.options.serverAddress));
      if (path === '/apis') return sendJson(response, 200, apiGroups());
      const discovery = discoveryDocument(path);
      if (discovery) return sendJson(response, 200, discovery);
      if (path === '/openapi/v3') return sendJson(response, 200, openApiV3Index());
      if (path.startsWith('/openapi/v3/')) {
        const document = openApiV3Document(path.slice('/openapi/v3/'.length));
        if (!document) throw unknownPath();
        return sendRaw(response, 200, 'application/json', document);
      }
    }
    const target = parseResourcePath(path);
    if (!target) throw unknownPath();
    await this.serveResource(caller, target, url.searchParams, request, response);
  }

  private async serveResource(caller: Caller, target: ResourcePath, query: URLSearchParams, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { type, namespace, name, subresource } = target;
    const operations = new ResourceOperations(this.context, type);
    const method = request.method ?? 'GET';
    const watch = target.watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
    const verb = verbFor(method, name, subresource, watch);
    if (!verb) throw methodNotAllowed();
    const resource = subresource ? `${type.plural}/${subresource}` : type.plural;
    const served = subresource ? type.subresources[subresource] : undefined;
    if (subresource && !served?.verbs.includes(verb)) throw methodNotAllowed();
    if (!subresource && !type.verbs.includes(verb)) throw methodNotAllowed();

    const body = ['create', 'update', 'patch'].includes(verb) || (verb === 'delete') ? await readBody(request, verb !== 'delete') : undefined;
    const stored = name ? this.store.get(type.plural, namespace, name) : undefined;
    const access = { verb, group: type.group, resource, namespace, name: name ?? (verb === 'create' ? (body as KubeObject)?.metadata?.name : undefined), target: stored };
    authorize(caller, access, (who, what) => rbacReason(this.store, who, what));
    // Reads take no write options: a stray ?dryRun= on a GET is ignored, as the apiserver's GetOptions ignore it.
    const write: WriteRequest = { ...(MUTATING.has(verb) ? writeOptions(verb, query) : { dryRun: false, fieldValidation: 'Ignore' as const }), warnings: [] };
    // A dry run stores nothing, and a computed resource (an access review) stores nothing at all: neither is a write.
    if (MUTATING.has(verb) && !write.dryRun && !type.createVirtual) this.writes.push({ user: caller.user, verb, resource, namespace, name: name ?? (body as KubeObject)?.metadata?.name });
    if ((verb === 'create' || verb === 'update') && !served?.serve) write.warnings.push(...decodeFields(type, body as KubeObject, write.fieldValidation));
    const answer = (code: number, result: unknown) => sendJson(response, code, result, write.warnings);

    if (served?.serve) {
      const result = await served.serve({ ...this.context, caller, namespace, name: name!, body, query, dryRun: write.dryRun, http: { request, response } });
      if ('text' in result) return sendText(response, result.code, result.text);
      return answer(result.code, result.json);
    }
    switch (verb) {
      case 'watch': {
        const selector = both(labelSelector(query.get('labelSelector')), fieldSelector(type.plural, query.get('fieldSelector')));
        const end = serveWatch(this.store, this.timing, {
          resource: type.plural, kind: type.kind, apiVersion: apiVersionOf(type), namespace, selector,
          resourceVersion: query.get('resourceVersion') ?? undefined,
          allowBookmarks: query.get('allowWatchBookmarks') === 'true',
          timeoutSeconds: query.has('timeoutSeconds') ? Number(query.get('timeoutSeconds')) : undefined,
          render: wantsTable(request.headers.accept) ? tableWatchRenderer(type, includeObjectPolicy(query.get('includeObject'))) : undefined,
        }, response);
        if (response.writableEnded) return;
        this.openWatches.set(response, end);
        response.once('close', () => this.openWatches.delete(response));
        return;
      }
      case 'list': {
        const selector = both(labelSelector(query.get('labelSelector')), fieldSelector(type.plural, query.get('fieldSelector')));
        // etcd returns a range in key order (/registry/<resource>/<namespace>/<name>), and so does the apiserver.
        const items = this.store.list(type.plural, namespace).filter(selector).sort(byStorageKey);
        if (wantsTable(request.headers.accept)) return sendTable(response, asTable(type, items, this.store.resourceVersion, includeObjectPolicy(query.get('includeObject'))));
        // Items in a list omit kind and apiVersion, as the real server's list responses do.
        const bare = items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest);
        return sendJson(response, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(this.store.resourceVersion) }, items: bare });
      }
      case 'get': {
        const object = operations.get(namespace, name!);
        if (wantsTable(request.headers.accept)) return sendTable(response, asTable(type, [object], this.store.resourceVersion, includeObjectPolicy(query.get('includeObject'))));
        return sendJson(response, 200, object);
      }
      case 'create':
        if (type.createVirtual) {
          const context = { ...this.context, caller, namespace, name: '', body, query, dryRun: write.dryRun, http: { request, response } };
          return answer(201, type.createVirtual(body as KubeObject, context));
        }
        return answer(201, operations.create(namespace, body as KubeObject, write));
      case 'update':
        return answer(200, operations.update(namespace, name!, body as KubeObject, subresource, write));
      case 'patch':
        return answer(200, operations.patch(namespace, name!, request.headers['content-type'] ?? '', body, subresource, write));
      case 'delete': {
        const options = (body ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string } };
        const grace = query.has('gracePeriodSeconds') ? Number(query.get('gracePeriodSeconds')) : options.gracePeriodSeconds;
        return answer(200, operations.delete(namespace, name!, grace, options.preconditions?.uid, write));
      }
      case 'deletecollection': {
        const selector = both(labelSelector(query.get('labelSelector')), fieldSelector(type.plural, query.get('fieldSelector')));
        const deleted = this.store.list(type.plural, namespace).filter(selector).map((o) => operations.delete(o.metadata.namespace, o.metadata.name, undefined, undefined, write));
        return answer(200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(this.store.resourceVersion) }, items: deleted });
      }
    }
    throw methodNotAllowed();
  }
}

function verbFor(method: string, name: string | undefined, subresource: string | undefined, watch: boolean): string | undefined {
  switch (method) {
    case 'GET': return name && !watch ? 'get' : watch ? 'watch' : 'list';
    // A POST names an object only for a subresource it creates (binding, eviction, token).
    case 'POST': return !name || subresource ? 'create' : undefined;
    case 'PUT': return name ? 'update' : undefined;
    case 'PATCH': return name ? 'patch' : undefined;
    case 'DELETE': return name ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}

/** `/api/v1` or `/apis/<group>/<version>`, then `[/watch][/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]` */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') [group, version, rest] = ['', parts[1], parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  else return undefined;
  const typeNamed = (plural: string | undefined) => resourceTypeIn(group, version, plural ?? '');
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && typeNamed(rest[2])?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = typeNamed(rest[0]);
  if (!type || rest.length > 3) return undefined;
  if (type.namespaced && rest.length > 1 && namespace === undefined) return undefined;
  if (rest[2] !== undefined && !type.subresources[rest[2]]) return undefined;
  return { type, namespace, name: rest[1], subresource: rest[2], watchPrefix };
}

function readBody(request: IncomingMessage, required: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      const bytes = Buffer.concat(chunks);
      if ((request.headers['content-type'] ?? '').startsWith(PROTOBUF_CONTENT_TYPE) && bytes.length) {
        try {
          return resolve(decodeProtobufBody(bytes));
        } catch (error) {
          return reject(error instanceof UnsupportedProtobufKind ? unsupportedMediaType(PROTOBUF_CONTENT_TYPE) : badRequest((error as Error).message));
        }
      }
      const text = bytes.toString('utf8').trim();
      if (!text) return required ? reject(badRequest('the body of the request was empty')) : resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`));
      }
    });
  });
}

/**
 * A Table watch (kubectl get -w): each event carries a one-row Table; only the first has the column definitions
 * (the apiserver sets NoHeaders after it), and a bookmark is an empty Table with the resourceVersion.
 */
function tableWatchRenderer(type: ResourceDefinition, include: IncludeObject) {
  let headers = true;
  return (event: 'BOOKMARK' | 'OBJECT', object: KubeObject) => {
    const version = Number(object.metadata.resourceVersion);
    if (event === 'BOOKMARK') return { ...asTable(type, [], version, include), columnDefinitions: null };
    const table = asTable(type, [object], version, include);
    const rendered = headers ? table : { ...table, columnDefinitions: null };
    headers = false;
    return rendered;
  };
}

function byStorageKey(a: KubeObject, b: KubeObject): number {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

