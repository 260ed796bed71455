import { resourceType, resourceTypeOfKind } from './resource-registry';

/**
 * Kubernetes API errors as kube-apiserver writes them: a `Status` object whose `reason` and `code` clients switch on
 * (k8s.io/apimachinery/pkg/api/errors). Messages are copied from the real server so tests can compare text.
 */
/** metav1.StatusCause: its Type is `reason` on the wire. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }

  get code(): number {
    return this.status.code;
  }
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function error(code: number, reason: string, message: string, details?: StatusDetails): ApiError {
  return new ApiError(failure(code, reason, message, details));
}

/** A resource as messages name it, `cronjobs.batch` (GroupResource.String()), with the group for the details. */
function groupResource(resource: string): { text: string; group?: string } {
  const [plural, sub] = resource.split('/');
  const group = resourceType(plural)?.group;
  return group ? { text: `${plural}.${group}${sub ? `/${sub}` : ''}`, group } : { text: resource };
}

export function notFound(resource: string, name: string): ApiError {
  const { text, group } = groupResource(resource);
  return error(404, 'NotFound', `${text} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
}

export function alreadyExists(resource: string, name: string): ApiError {
  const { text, group } = groupResource(resource);
  return error(409, 'AlreadyExists', `${text} "${name}" already exists`, { name, ...(group ? { group } : {}), kind: resource });
}

export function conflict(resource: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  const { text, group } = groupResource(resource);
  return error(409, 'Conflict', `Operation cannot be fulfilled on ${text} "${name}": ${why}`, { name, ...(group ? { group } : {}), kind: resource });
}

/**
 * 422 with one cause per field, message `Pod "x" is invalid: spec.containers: Required value` (a kind of a group is
 * qualified, `CronJob.batch "x"`; an empty kind, as for a bad patch, gives ` "" is invalid: ...`).
 */
export function invalid(kind: string, name: string, causes: StatusCause[]): ApiError {
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const text = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  // A kind may come qualified already (`CreateOptions.meta.k8s.io`); else its group is the served type's.
  const [bare, ...qualifier] = kind.split('.');
  const group = qualifier.length ? qualifier.join('.') : bare ? resourceTypeOfKind(bare)?.group : undefined;
  const qualified = group ? `${bare}.${group}` : bare;
  return error(422, 'Invalid', `${qualified} "${name}" is invalid: ${text}`, { name, ...(group ? { group } : {}), kind: bare, causes });
}

export const badRequest = (message: string) => error(400, 'BadRequest', message);

export const unknownPath = () => error(404, 'NotFound', 'the server could not find the requested resource', {});

export const methodNotAllowed = () =>
  error(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export const unauthorized = () => error(401, 'Unauthorized', 'Unauthorized');

export const unsupportedMediaType = (contentType: string) =>
  error(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`);

/** What a watch from a resourceVersion older than the event window gets (apiserver watch cache). */
export const expired = (requested: number, oldest: number) =>
  failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export function forbidden(user: string, verb: string, resource: string, namespace: string | undefined, name?: string): ApiError {
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const { text, group } = groupResource(resource.split('/')[0]);
  const subject = name ? `${text} "${name}"` : text;
  return error(403, 'Forbidden', `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group ?? ''}" ${scope}`, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind: resource.split('/')[0],
  });
}
