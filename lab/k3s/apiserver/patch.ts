import { ApiError, badRequest, failure, unsupportedMediaType } from './status-errors';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else (lists too) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Lists that strategic merge patch merges element by element, keyed by a field (patchMergeKey in k8s.io/api types);
 * every other list is replaced as in a merge patch. Enough for what kubelets and kubectl send.
 */
const MERGE_KEYS: Record<string, string> = {
  conditions: 'type', addresses: 'type', containers: 'name', initContainers: 'name', containerStatuses: 'name',
  initContainerStatuses: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath', ports: 'containerPort',
  ownerReferences: 'uid', images: 'names', podIPs: 'ip', hostIPs: 'ip',
};

export function strategicMergePatch(target: Json, patch: Json, field?: string): Json {
  if (Array.isArray(patch) && Array.isArray(target) && field && MERGE_KEYS[field] && field !== 'images') {
    const mergeKey = MERGE_KEYS[field];
    const result = structuredClone(target) as JsonObject[];
    for (const item of patch) {
      if (!isObject(item)) continue;
      const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
      if (item.$patch === 'delete') {
        if (index >= 0) result.splice(index, 1);
      } else if (index >= 0) result[index] = strategicMergePatch(result[index], item) as JsonObject;
      else result.push(strategicMergePatch({}, item) as JsonObject);
    }
    return result;
  }
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') return strategicMergePatch({}, { ...patch, $patch: undefined });
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    // Directives such as $setElementOrder/conditions (sent by kubelets) only order lists; the lab keeps its order.
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (value === undefined) continue;
    else result[key] = strategicMergePatch(result[key], value, key);
  }
  return result;
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  return path.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(document: Json, parts: string[]): { parent: JsonObject | Json[]; last: string } {
  let node = document;
  for (const part of parts.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : undefined;
    if (node === undefined) throw badRequest(`the server rejected our request due to an error in our request: path /${parts.join('/')} does not exist`);
  }
  return { parent: node as JsonObject | Json[], last: parts[parts.length - 1] };
}

function read(document: Json, path: string): Json {
  return pointer(path).reduce<Json>((node, part) => (Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : undefined), document);
}

function remove(document: Json, path: string): Json {
  const { parent, last } = parentOf(document, pointer(path));
  if (Array.isArray(parent)) return parent.splice(Number(last), 1)[0];
  const value = parent[last];
  if (value === undefined) throw badRequest(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "${path}"`);
  delete parent[last];
  return value;
}

function add(document: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (!parts.length) return value;
  const { parent, last } = parentOf(document, parts);
  if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, value);
  else parent[last] = value;
  return document;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let document = structuredClone(target);
  for (const operation of operations as JsonPatchOperation[]) {
    switch (operation.op) {
      case 'add': document = add(document, operation.path, structuredClone(operation.value)); break;
      case 'remove': remove(document, operation.path); break;
      case 'replace': remove(document, operation.path); document = add(document, operation.path, structuredClone(operation.value)); break;
      case 'move': document = add(document, operation.path, remove(document, operation.from ?? '')); break;
      case 'copy': document = add(document, operation.path, structuredClone(read(document, operation.from ?? ''))); break;
      case 'test':
        if (JSON.stringify(read(document, operation.path)) !== JSON.stringify(operation.value)) {
          throw new ApiError(failure(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${operation.path} failed`));
        }
        break;
      default: throw badRequest(`Unexpected kind: ${String((operation as { op: unknown }).op)}`);
    }
  }
  return document;
}

/** Applies a PATCH body according to its Content-Type, as kube-apiserver's patch handler does. */
export function applyPatch(contentType: string, target: Json, patch: Json): Json {
  const type = contentType.split(';')[0].trim();
  if (type === 'application/merge-patch+json') return mergePatch(target, patch);
  if (type === 'application/strategic-merge-patch+json') return strategicMergePatch(target, patch);
  if (type === 'application/json-patch+json') return jsonPatch(target, patch);
  throw unsupportedMediaType(type);
}
