import { parsePropertyString, PropertyStringError } from './property-string';
import type { PropertySpec } from './property-spec';

/**
 * PVE::JSONSchema::check_prop for a scalar: the first failing check wins, in the real order
 * (type, format, pattern, length, range, enumeration). Returns the error text or undefined.
 */
export function checkProperty(value: string, spec: PropertySpec, path: string): string | undefined {
  if (spec.type === 'integer' && !/^[+-]?\d+$/.test(value)) return `type check ('integer') failed - got '${value}'`;
  if (spec.type === 'number' && !/^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(value)) {
    return `type check ('number') failed - got '${value}'`;
  }
  if (spec.type === 'boolean' && value !== '1' && value !== '0') return `type check ('boolean') failed - got '${value}'`;
  if (spec.format) {
    try {
      if (typeof spec.format === 'function') spec.format(value);
      else parsePropertyString(value, spec.format, path);
    } catch (error) {
      return `invalid format - ${describeFormatError(error)}`;
    }
  }
  if (spec.pattern && !new RegExp(`^(?:${spec.pattern.source})$`).test(value)) return 'value does not match the regex pattern';
  if (spec.maxLength !== undefined && value.length > spec.maxLength) return `value may only be ${spec.maxLength} characters long`;
  if (spec.minLength !== undefined && value.length < spec.minLength) return `value must be at least ${spec.minLength} characters long`;
  if (spec.type === 'integer' || spec.type === 'number') {
    const n = Number(value);
    if (spec.maximum !== undefined && n > spec.maximum) return `value must have a maximum value of ${spec.maximum}`;
    if (spec.minimum !== undefined && n < spec.minimum) return `value must have a minimum value of ${spec.minimum}`;
  }
  if (spec.enum && !spec.enum.includes(value)) {
    return `value '${value}' does not have a value in the enumeration '${spec.enum.join(', ')}'`;
  }
  return undefined;
}

// PVE::Exception stringifies as the message followed by one "path: error" line per nested error.
function describeFormatError(error: unknown): string {
  if (error instanceof PropertyStringError) {
    return 'format error\n' + Object.entries(error.errors).map(([k, v]) => `${k}: ${v}\n`).join('');
  }
  const text = error instanceof Error ? error.message : String(error);
  return text.endsWith('\n') ? text : `${text}\n`;
}
