import { createHash } from 'node:crypto';
import { K3S_VERSION } from '../../contracts/k3s-join';
import { apiVersionOf, groupVersions, allResources, type ResourceDefinition } from './resource-registry';

/**
 * The OpenAPI v3 documents kubectl reads: `/openapi/v3` (the index of group-versions) and one per group-version
 * (`/openapi/v3/api/v1`, `/openapi/v3/apis/batch/v1`, ...).
 * kubectl apply and the other writers look for the `fieldValidation` query parameter on the PATCH operation of the
 * object's kind (QueryParamVerifierV3); when it is there they leave validation to the server instead of downloading
 * the v2 schema. The lab's document has the real paths, operations and parameters but no schemas and no request
 * bodies, so kubectl computes apply patches from its built-in types, as it does for a server without OpenAPI.
 */
const query = (name: string, description: string, type = 'string') => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParam = (name: string, description: string) => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const PRETTY = query('pretty', "If 'true', then the output is pretty printed.");
const WRITE = [
  query('dryRun', 'When present, indicates that modifications should not be persisted.'),
  query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
];
const LIST = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch']
  .map((name) => query(name, name, ['allowWatchBookmarks', 'sendInitialEvents', 'watch'].includes(name) ? 'boolean' : ['limit', 'timeoutSeconds'].includes(name) ? 'integer' : 'string'));
const DELETE = [query('dryRun', 'dryRun'), query('gracePeriodSeconds', 'gracePeriodSeconds', 'integer'), query('orphanDependents', 'orphanDependents', 'boolean'), query('propagationPolicy', 'propagationPolicy')];

/** `core_v1`, `rbacAuthorization_v1`, `batch_v1`: the tag, and (capitalised) the operationId prefix, of a group-version. */
function groupVersionTag({ group, version }: { group: string; version: string }): string {
  const name = group ? group.replace(/\.k8s\.io$/, '').split('.').map((part, i) => (i ? part[0].toUpperCase() + part.slice(1) : part)).join('') : 'core';
  return `${name}_${version}`;
}

function pathsFor(type: ResourceDefinition): Record<string, unknown> {
  const tag = groupVersionTag(type);
  const prefix = tag.replace(/_(.)/, (_match, first: string) => first.toUpperCase()).replace(/^./, (first) => first.toUpperCase());
  const operation = (action: string, operationId: string, kind: string, parameters: unknown[]) => ({
    tags: [tag], description: `${action} ${kind}`, operationId, parameters,
    responses: { 200: { description: 'OK' }, 401: { description: 'Unauthorized' } },
    'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind },
  });
  const scope = type.namespaced ? 'Namespaced' : '';
  const id = `${scope}${type.kind}`;
  const root = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const base = type.namespaced ? `${root}/namespaces/{namespace}/${type.plural}` : `${root}/${type.plural}`;
  const scopeParams = type.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${type.kind}`);
  const paths: Record<string, unknown> = {
    [base]: {
      get: operation('list', `list${prefix}${id}`, type.kind, LIST),
      post: operation('post', `create${prefix}${id}`, type.kind, WRITE),
      ...(type.verbs.includes('deletecollection') ? { delete: operation('deletecollection', `delete${prefix}Collection${id}`, type.kind, [...DELETE, ...LIST]) } : {}),
      parameters: [...scopeParams, PRETTY],
    },
    [`${base}/{name}`]: {
      get: operation('get', `read${prefix}${id}`, type.kind, []),
      put: operation('put', `replace${prefix}${id}`, type.kind, WRITE),
      patch: operation('patch', `patch${prefix}${id}`, type.kind, [...WRITE, query('force', 'Force is going to "force" Apply requests.', 'boolean')]),
      delete: operation('delete', `delete${prefix}${id}`, type.kind, DELETE),
      parameters: [nameParam, ...scopeParams, PRETTY],
    },
  };
  if (type.namespaced) paths[`${root}/${type.plural}`] = { get: operation('list', `list${prefix}${type.kind}ForAllNamespaces`, type.kind, LIST), parameters: [PRETTY] };
  for (const [sub, { kind, verbs }] of Object.entries(type.subresources)) {
    const suffix = sub[0].toUpperCase() + sub.slice(1);
    // A subresource has the operations of its verbs: binding, eviction and token are POST only, log is GET only.
    paths[`${base}/{name}/${sub}`] = {
      ...(verbs.includes('get') ? { get: operation('get', `read${prefix}${id}${suffix}`, kind, []) } : {}),
      ...(verbs.includes('create') ? { post: operation('post', `create${prefix}${id}${suffix}`, kind, WRITE) } : {}),
      ...(verbs.includes('update') ? { put: operation('put', `replace${prefix}${id}${suffix}`, kind, WRITE) } : {}),
      ...(verbs.includes('patch') ? { patch: operation('patch', `patch${prefix}${id}${suffix}`, kind, [...WRITE, query('force', 'force', 'boolean')]) } : {}),
      parameters: [nameParam, ...scopeParams, PRETTY],
    };
  }
  return paths;
}

/** The index path of a group-version: `api/v1`, `apis/batch/v1`. */
const documentPath = (gv: { group: string; version: string }) => (gv.group ? `apis/${apiVersionOf(gv)}` : `api/${gv.version}`);

/** The documents, built from the served resources when asked (they are the same every time, and so are their hashes). */
const documents = () => new Map(groupVersions().map((gv) => {
  const text = JSON.stringify({
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: K3S_VERSION },
    paths: Object.assign({}, ...allResources().filter((type) => type.group === gv.group && type.version === gv.version).map(pathsFor)),
    components: { schemas: {} },
  });
  // The real index names each document with the uppercase hex sha512 of its content, so clients may cache it forever.
  return [documentPath(gv), { text, hash: createHash('sha512').update(text).digest('hex').toUpperCase() }];
}));

export const openApiV3Index = () => ({
  paths: Object.fromEntries([...documents()].map(([path, { hash }]) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }])),
});

/** The document for `/openapi/v3/<path>`, or undefined for a group-version the lab does not serve. */
export function openApiV3Document(path: string): string | undefined {
  return documents().get(path)?.text;
}
