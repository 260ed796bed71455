import { parameterError } from '../envelope';
import { checkProperty } from './check-property';
import type { Schema } from './property-spec';

/**
 * PVE::JSONSchema::validate on a request's parameters (additionalProperties => 0): every error is collected
 * and answered together as 400 "Parameter verification failed.".
 */
export function verifyParameters(params: Record<string, string>, schema: Schema): void {
  const errors: Record<string, string> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const value = params[key];
    if (value === undefined) {
      if (!spec.optional) errors[key] = 'property is missing and it is not optional';
      continue;
    }
    const error = checkProperty(value, spec, key);
    if (error) errors[key] = error;
  }
  for (const key of Object.keys(params)) {
    if (!(key in schema)) errors[key] = 'property is not defined in schema and the schema does not allow additional properties';
  }
  if (Object.keys(errors).length > 0) throw parameterError(errors);
}
