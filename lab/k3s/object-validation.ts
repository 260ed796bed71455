import type { KubeObject } from './kube-object';
import type { ResourceType } from './resource-types';
import { invalid, type StatusCause } from './status-errors';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainMessage = (name: string) =>
  `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
const labelMessage = (name: string) =>
  `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;

/** The checks kube-apiserver's validation runs on create and update that the lab's callers can trip over. */
export function validateObject(type: ResourceType, object: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = object.metadata.name;
  // Namespaces are DNS-1123 labels; the other core resources here are subdomains (events allow more, but are lab-written).
  const isLabel = type.plural === 'namespaces';
  const valid = isLabel ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!valid && type.plural !== 'events') {
    causes.push({ reason: 'FieldValueInvalid', message: isLabel ? labelMessage(name) : subdomainMessage(name), field: 'metadata.name' });
  }
  if (type.plural === 'pods') {
    const containers = object.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' });
    } else {
      containers.forEach((container: { name?: string; image?: string }, index: number) => {
        if (!container.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.containers[${index}].name` });
        if (!container.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.containers[${index}].image` });
      });
    }
  }
  if (causes.length) throw invalid(type.kind, name, causes);
}

export function requireName(type: ResourceType, object: KubeObject): void {
  if (!object.metadata?.name) {
    throw invalid(type.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  }
}
