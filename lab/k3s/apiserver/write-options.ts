import type { KubeObject } from '../../contracts/kube-object';
import { dropUnknownFields } from './field-schemas';
import type { ResourceDefinition } from './resource';
import { badRequest, invalid, type ApiError } from './status-errors';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The query parameters of a write (CreateOptions, UpdateOptions, PatchOptions, DeleteOptions). */
export interface WriteOptions {
  /** `?dryRun=All`: everything a write does (validation, defaulting, admission) except storing the result. */
  dryRun: boolean;
  /** What to do with fields the kind does not have; the server's default is Warn. */
  fieldValidation: FieldValidation;
}

const OPTIONS_KIND: Record<string, string> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions', delete: 'DeleteOptions' };

/** Reads and checks the options; bad values are 422s against the options kind, as the apiserver's validation makes them. */
export function writeOptions(verb: string, query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  const fieldValidation = query.get('fieldValidation') ?? '';
  const kind = `${OPTIONS_KIND[verb] ?? 'DeleteOptions'}.meta.k8s.io`;
  if (dryRun.some((value) => value !== 'All')) {
    throw invalid(kind, '', [{ reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: ${goStrings(dryRun)}: supported values: "All"` }]);
  }
  if (!['', 'Ignore', 'Warn', 'Strict'].includes(fieldValidation)) {
    throw invalid(kind, '', [{
      reason: 'FieldValueNotSupported', field: 'fieldValidation',
      message: `Unsupported value: "${fieldValidation}": supported values: "", "Ignore", "Warn", "Strict"`,
    }]);
  }
  return { dryRun: dryRun.length > 0, fieldValidation: (fieldValidation || 'Warn') as FieldValidation };
}

/**
 * Decodes a create or update body the way the apiserver's strict decoder does: unknown fields are a 400 under
 * Strict (`CronJob in version "v1" cannot be handled as a CronJob: strict decoding error: unknown field "..."`,
 * handlers/rest.go transformDecodeError), warnings under Warn, and are dropped in every case. Returns the warnings.
 */
export function decodeFields(type: ResourceDefinition, object: KubeObject, validation: FieldValidation): string[] {
  return decode(type, object, validation, (error) =>
    badRequest(`${object.kind ?? type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${error}`));
}

/**
 * The same for the object a patch produced. Under Strict the patch itself is refused as invalid, its value shown as
 * Go prints a map (patch.go: field.Invalid(field.NewPath("patch"), fmt.Sprintf("%+v", patchMap), strictErr)).
 */
export function decodePatchedFields(type: ResourceDefinition, patched: KubeObject, patch: unknown, validation: FieldValidation): string[] {
  return decode(type, patched, validation, (error) =>
    invalid('', '', [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: "${goValue(patch)}": ${error}` }]));
}

/** Drops the unknown fields, then refuses them under Strict (with `strictError`), or names them as warnings under Warn. */
function decode(type: ResourceDefinition, object: KubeObject, validation: FieldValidation, strictError: (error: string) => ApiError): string[] {
  const unknown = type.model ? dropUnknownFields(type.model, object) : [];
  if (!unknown.length || validation === 'Ignore') return [];
  if (validation === 'Strict') throw strictError(`strict decoding error: ${unknown.map(unknownField).join(', ')}`);
  return unknown.map(unknownField);
}

/** What the strict decoder says of one unknown field; also the text of its warning. */
const unknownField = (path: string) => `unknown field "${path}"`;

const goStrings = (values: string[]) => `[]string{${values.map((value) => JSON.stringify(value)).join(', ')}}`;

/** fmt's %+v of a decoded JSON value: `map[a:1 b:[x y]]`, keys sorted. */
function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, inner]) => `${key}:${goValue(inner)}`).join(' ')}]`;
  }
  return String(value);
}
