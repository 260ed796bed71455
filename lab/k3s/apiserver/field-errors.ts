import type { StatusCause } from './status-errors';

/** field.Required, field.NotSupported, field.Invalid of k8s.io/apimachinery/pkg/util/validation/field, as causes. */
export const required = (field: string, detail?: string): StatusCause => ({
  reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field,
});

export const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${JSON.stringify(value ?? '')}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

export const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid', field, message: `Invalid value: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}: ${detail}`,
});

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** apimachinery's IsDNS1123Subdomain as ValidateObjectMeta reports it; the default rule for object names. */
export function dns1123SubdomainError(name: string): string | undefined {
  if (DNS1123_SUBDOMAIN.test(name) && name.length <= 253) return undefined;
  return `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
}

/** IsDNS1123Label: namespace names. */
export function dns1123LabelError(name: string): string | undefined {
  if (DNS1123_LABEL.test(name) && name.length <= 63) return undefined;
  return `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;
}
