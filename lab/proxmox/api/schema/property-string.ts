import { checkProperty } from './check-property';
import type { PropertyStringFormat } from './property-spec';

/** A property string whose keys parsed but failed their checks (raised by PVE as "format error" + errors). */
export class PropertyStringError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('format error');
  }
}

/**
 * PVE::JSONSchema::parse_property_string: `k=v` parts split on commas, a bare part goes to the default key.
 * Throws Error with PVE's texts for structural faults and PropertyStringError for failed key checks.
 */
export function parsePropertyString(value: string, format: PropertyStringFormat, path = ''): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (part === '') continue;
    const match = part.match(/^([a-z][a-z0-9_-]*)=(.*)$/i);
    if (match) {
      const [, key, v] = match;
      if (result[key] !== undefined) throw new Error(`duplicate key in comma-separated list property: ${key}`);
      if (!format.keys[key]) throw new Error(`invalid key in comma-separated list property: ${key}`);
      result[key] = v;
    } else {
      if (!format.defaultKey) throw new Error('value without key, but schema does not define a default key');
      if (result[format.defaultKey] !== undefined) {
        throw new Error(`duplicate key in comma-separated list property: ${format.defaultKey}`);
      }
      result[format.defaultKey] = part;
    }
  }
  const errors: Record<string, string> = {};
  for (const [key, spec] of Object.entries(format.keys)) {
    const keyPath = path ? `${path}.${key}` : key;
    const v = result[key];
    if (v === undefined) {
      if (!spec.optional) errors[keyPath] = 'property is missing and it is not optional';
      continue;
    }
    const error = checkProperty(v, spec, keyPath);
    if (error) errors[keyPath] = error;
  }
  if (Object.keys(errors).length > 0) throw new PropertyStringError(errors);
  return result;
}

/** print_property_string as PVE writes net/rootfs lines: default key or `name` first, the rest sorted. */
export function printPropertyString(values: Record<string, string>, first: string[] = []): string {
  const keys = [...first.filter((k) => values[k] !== undefined), ...Object.keys(values).filter((k) => !first.includes(k)).sort()];
  return keys.map((k) => (first[0] === k && k === 'volume' ? values[k] : `${k}=${values[k]}`)).join(',');
}
