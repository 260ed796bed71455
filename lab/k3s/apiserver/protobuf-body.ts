/**
 * Request bodies in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), which kubectl's typed
 * clients send for `create token`, `auth can-i` and drain's evictions and deletions: the magic `k8s\0`, then a
 * runtime.Unknown (typeMeta 1, raw 2) whose raw bytes are the object's generated protobuf (k8s.io/api
 * .../generated.proto). The lab decodes the kinds those commands send into the JSON shape the rest of the server
 * speaks; any other kind is refused as an unsupported media type.
 */
type Field = { name: string; type: 'string' | 'int' | 'bool' | 'strings' | Schema | { repeated: Schema } | 'map' };
interface Schema {
  [field: number]: Field;
}

const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' }, 2: { name: 'generateName', type: 'string' }, 3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' }, 6: { name: 'resourceVersion', type: 'string' }, 11: { name: 'labels', type: 'map' }, 12: { name: 'annotations', type: 'map' },
};
const PRECONDITIONS: Schema = { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } };
const DELETE_OPTIONS: Schema = {
  1: { name: 'gracePeriodSeconds', type: 'int' }, 2: { name: 'preconditions', type: PRECONDITIONS }, 3: { name: 'orphanDependents', type: 'bool' },
  4: { name: 'propagationPolicy', type: 'string' }, 5: { name: 'dryRun', type: 'strings' },
};
const RESOURCE_ATTRIBUTES: Schema = {
  1: { name: 'namespace', type: 'string' }, 2: { name: 'verb', type: 'string' }, 3: { name: 'group', type: 'string' }, 4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' }, 6: { name: 'subresource', type: 'string' }, 7: { name: 'name', type: 'string' },
};
const NON_RESOURCE_ATTRIBUTES: Schema = { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } };
const BOUND_OBJECT_REF: Schema = { 1: { name: 'kind', type: 'string' }, 2: { name: 'apiVersion', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' } };

/** The kinds kubectl 1.34 sends as protobuf to the lab, by their group/version/kind. */
const KINDS: Record<string, Schema> = {
  'authentication.k8s.io/v1/TokenRequest': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: { 1: { name: 'audiences', type: 'strings' }, 4: { name: 'expirationSeconds', type: 'int' }, 3: { name: 'boundObjectRef', type: BOUND_OBJECT_REF } } },
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: { 1: { name: 'resourceAttributes', type: RESOURCE_ATTRIBUTES }, 2: { name: 'nonResourceAttributes', type: NON_RESOURCE_ATTRIBUTES } } },
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: { 1: { name: 'namespace', type: 'string' } } },
  },
  'policy/v1/Eviction': { 1: { name: 'metadata', type: OBJECT_META }, 2: { name: 'deleteOptions', type: DELETE_OPTIONS } },
  'meta.k8s.io/v1/DeleteOptions': DELETE_OPTIONS,
  'v1/DeleteOptions': DELETE_OPTIONS,
};

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** A protobuf message as (field number, wire value) pairs. */
function fields(bytes: Buffer): Array<{ number: number; value: bigint | Buffer }> {
  const out: Array<{ number: number; value: bigint | Buffer }> = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const [number, wire] = [key >> 3, key & 7];
    if (wire === 0) out.push({ number, value: varint() });
    else if (wire === 2) {
      const length = Number(varint());
      out.push({ number, value: bytes.subarray(offset, offset + length) });
      offset += length;
    } else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function decodeMessage(bytes: Buffer, schema: Schema): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const { number, value } of fields(bytes)) {
    const field = schema[number];
    if (!field) continue;
    const { name, type } = field;
    if (type === 'string') object[name] = (value as Buffer).toString('utf8');
    else if (type === 'int') object[name] = Number(BigInt.asIntN(64, value as bigint));
    else if (type === 'bool') object[name] = value !== 0n;
    else if (type === 'strings') object[name] = [...((object[name] as string[]) ?? []), (value as Buffer).toString('utf8')];
    else if (type === 'map') {
      const entry = fields(value as Buffer);
      const key = (entry.find((e) => e.number === 1)?.value as Buffer | undefined)?.toString('utf8') ?? '';
      const text = (entry.find((e) => e.number === 2)?.value as Buffer | undefined)?.toString('utf8') ?? '';
      object[name] = { ...(object[name] as Record<string, string>), [key]: text };
    } else if ('repeated' in type) object[name] = [...((object[name] as unknown[]) ?? []), decodeMessage(value as Buffer, type.repeated as Schema)];
    else object[name] = decodeMessage(value as Buffer, type as Schema);
  }
  return object;
}

/** Decodes a protobuf request body into its JSON form, or throws with what kind it was. */
export function decodeProtobufBody(body: Buffer): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('the body does not start with the protobuf magic number');
  const unknown = fields(body.subarray(4));
  const typeMeta = decodeMessage((unknown.find((f) => f.number === 1)?.value as Buffer) ?? Buffer.alloc(0), { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } });
  const raw = (unknown.find((f) => f.number === 2)?.value as Buffer) ?? Buffer.alloc(0);
  const apiVersion = String(typeMeta.apiVersion ?? '');
  const kind = String(typeMeta.kind ?? '');
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) throw new UnsupportedProtobufKind(apiVersion, kind);
  return { apiVersion, kind, ...decodeMessage(raw, schema) };
}

export class UnsupportedProtobufKind extends Error {
  constructor(readonly apiVersion: string, readonly kind: string) {
    super(`the lab decodes no protobuf ${kind} (${apiVersion})`);
  }
}
