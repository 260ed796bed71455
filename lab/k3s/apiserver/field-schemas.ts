/**
 * Which fields each kind has, read from @kubernetes/client-node's generated models: each model's `attributeTypeMap`
 * lists the JSON names (`baseName`) and types of the Go type's fields, as k8s.io/api declares them with `json:`
 * tags. kube-apiserver decodes a request body into those types: a field the type does not have is "unknown",
 * rejected under `fieldValidation=Strict` (what kubectl sends), a warning under `Warn` (the default) and dropped
 * either way. The models are generated from a newer OpenAPI document (client-node 2.0's is release-1.36), so a field
 * added after 1.34 is accepted here although a 1.34 server would not know it.
 */
interface Attribute {
  baseName: string;
  type: string;
}

type Model = { attributeTypeMap: Attribute[] };

const models = new Map<string, Model | undefined>();

/** A model class by name, loaded alone (each model is its own module; loading the whole library costs ~0.6 s). */
function model(name: string): Model | undefined {
  if (!models.has(name)) {
    let found: Model | undefined;
    if (/^[A-Za-z0-9]+$/.test(name)) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        found = (require(`@kubernetes/client-node/dist/gen/models/${name}.js`) as Record<string, Model>)[name];
      } catch {
        found = undefined;
      }
    }
    models.set(name, found?.attributeTypeMap ? found : undefined);
  }
  return models.get(name);
}

/** `Array<V1Container>` -> each item is a V1Container; `{ [key: string]: V1X; }` -> each value is; else the type itself. */
function innerType(type: string): { type: string; container: 'array' | 'map' | 'none' } {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: array[1], container: 'array' };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: map[1], container: 'map' };
  return { type, container: 'none' };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Removes the fields the model `modelName` does not have from `value` (in place, all the way down), and returns
 * their paths as the strict decoder names them: `spec.template.spec.containers[0].imagePullPolcy`. Scalars,
 * `any`, quantities and IntOrString are taken as they are.
 */
export function dropUnknownFields(modelName: string, value: unknown, path = ''): string[] {
  const found = model(modelName);
  if (!found || !isObject(value)) return [];
  const unknown: string[] = [];
  for (const [field, inner] of Object.entries(value)) {
    const fieldPath = path ? `${path}.${field}` : field;
    const attribute = found.attributeTypeMap.find((candidate) => candidate.baseName === field);
    if (!attribute) {
      unknown.push(fieldPath);
      delete value[field];
      continue;
    }
    const { type, container } = innerType(attribute.type);
    if (!model(type)) continue;
    if (container === 'array' && Array.isArray(inner)) inner.forEach((item, index) => unknown.push(...dropUnknownFields(type, item, `${fieldPath}[${index}]`)));
    else if (container === 'map' && isObject(inner)) for (const [key, item] of Object.entries(inner)) unknown.push(...dropUnknownFields(type, item, `${fieldPath}[${key}]`));
    else if (container === 'none') unknown.push(...dropUnknownFields(type, inner, fieldPath));
  }
  return unknown;
}
