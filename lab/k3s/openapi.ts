import { createHash } from 'node:crypto';
import { K3S_VERSION } from '../contracts/k3s-join';
import { RESOURCE_TYPES, type ResourceType } from './resource-types';

/**
 * The OpenAPI v3 documents kubectl reads: `/openapi/v3` (the index of group-versions) and `/openapi/v3/api/v1`.
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

function operation(action: string, operationId: string, kind: string, parameters: unknown[]) {
  return {
    tags: ['core_v1'], description: `${action} ${kind}`, operationId, parameters,
    responses: { 200: { description: 'OK' }, 401: { description: 'Unauthorized' } },
    'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind },
  };
}

function pathsFor(type: ResourceType): Record<string, unknown> {
  const scope = type.namespaced ? 'Namespaced' : '';
  const id = `${scope}${type.kind}`;
  const base = type.namespaced ? `/api/v1/namespaces/{namespace}/${type.plural}` : `/api/v1/${type.plural}`;
  const scopeParams = type.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${type.kind}`);
  const paths: Record<string, unknown> = {
    [base]: {
      get: operation('list', `listCoreV1${id}`, type.kind, LIST),
      post: operation('post', `createCoreV1${id}`, type.kind, WRITE),
      ...(type.verbs.includes('deletecollection') ? { delete: operation('deletecollection', `deleteCoreV1Collection${id}`, type.kind, [...DELETE, ...LIST]) } : {}),
      parameters: [...scopeParams, PRETTY],
    },
    [`${base}/{name}`]: {
      get: operation('get', `readCoreV1${id}`, type.kind, []),
      put: operation('put', `replaceCoreV1${id}`, type.kind, WRITE),
      patch: operation('patch', `patchCoreV1${id}`, type.kind, [...WRITE, query('force', 'Force is going to "force" Apply requests.', 'boolean')]),
      delete: operation('delete', `deleteCoreV1${id}`, type.kind, DELETE),
      parameters: [nameParam, ...scopeParams, PRETTY],
    },
  };
  if (type.namespaced) paths[`/api/v1/${type.plural}`] = { get: operation('list', `listCoreV1${type.kind}ForAllNamespaces`, type.kind, LIST), parameters: [PRETTY] };
  for (const [sub, { kind }] of Object.entries(type.subresources)) {
    const suffix = sub[0].toUpperCase() + sub.slice(1);
    paths[`${base}/{name}/${sub}`] = sub === 'binding'
      ? { post: operation('post', `createCoreV1${id}Binding`, kind, WRITE), parameters: [nameParam, ...scopeParams, PRETTY] }
      : {
        get: operation('get', `readCoreV1${id}${suffix}`, kind, []),
        put: operation('put', `replaceCoreV1${id}${suffix}`, kind, WRITE),
        patch: operation('patch', `patchCoreV1${id}${suffix}`, kind, [...WRITE, query('force', 'force', 'boolean')]),
        parameters: [nameParam, ...scopeParams, PRETTY],
      };
  }
  return paths;
}

const coreV1Document = JSON.stringify({
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: K3S_VERSION },
  paths: Object.assign({}, ...RESOURCE_TYPES.map(pathsFor)),
  components: { schemas: {} },
});
// The real index names each document with the uppercase hex sha512 of its content, so clients may cache it forever.
const coreV1Hash = createHash('sha512').update(coreV1Document).digest('hex').toUpperCase();

export const openApiV3Index = () => ({ paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${coreV1Hash}` } } });

/** The document for `/openapi/v3/<path>`, or undefined for a group-version the lab does not serve. */
export function openApiV3Document(path: string): string | undefined {
  return path === 'api/v1' ? coreV1Document : undefined;
}
