import type { Change } from '../changes/change';

/** Requests that write nothing, though they are POSTs: access reviews and token reviews answer questions. */
const QUESTIONS = /\/(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews|tokenreviews)$/;

const VERBS: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/**
 * The change a Kubernetes API request makes, named as kubectl would name it; undefined for requests that change
 * nothing (reads, dry runs, access reviews). `body` is the request's JSON, for the name of what a POST creates.
 */
export function describeKubernetesWrite(method: string, url: URL, body?: string): Change | undefined {
  const verb = VERBS[method.toUpperCase()];
  if (!verb || QUESTIONS.test(url.pathname) || url.searchParams.get('dryRun') === 'All') return undefined;
  const path = resourcePath(url.pathname);
  if (!path) return { system: 'kubernetes', action: verb, target: url.pathname, command: `${method} ${url.pathname}` };
  const parsed = parseBody(body);
  const name = path.name ?? parsed?.metadata?.name ?? '(generated name)';
  const namespace = path.namespace ?? parsed?.metadata?.namespace;
  const where = namespace ? `${namespace}/${name}` : name;
  const kind = singular(path.resource);
  const call = `${method} ${url.pathname}`;
  if (path.subresource === 'eviction') {
    return { system: 'kubernetes', action: 'evict', target: `pod ${where}`, command: `${call} (as \`kubectl drain\` evicts it)` };
  }
  if (verb === 'patch' && kind === 'node' && isCordon(parsed)) {
    return { system: 'kubernetes', action: 'cordon', target: `node ${name}`, command: `kubectl cordon ${name}` };
  }
  const ns = namespace ? ` -n ${namespace}` : '';
  const command =
    verb === 'delete' ? `kubectl${ns} delete ${kind} ${name}`
    : verb === 'create' ? `kubectl${ns} create -f -   # ${kind} ${name}${imageOf(parsed)}`
    : `${call}`;
  return { system: 'kubernetes', action: verb, target: `${kind} ${where}`, command };
}

interface ResourcePath {
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

/** /api/v1/namespaces/ns/pods/name/eviction, /apis/group/version/resource/name … */
function resourcePath(pathname: string): ResourcePath | undefined {
  const match = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(pathname);
  if (!match) return undefined;
  const [, namespace, resource, name, subresource] = match;
  // POST /api/v1/namespaces is creating a namespace, not a resource inside one.
  return { namespace, resource, name, subresource };
}

interface BodyShape {
  metadata?: { name?: string; namespace?: string };
  spec?: { unschedulable?: boolean; containers?: Array<{ image?: string }> };
  [index: number]: { op?: string; path?: string; value?: unknown } | undefined;
}

function parseBody(body: string | undefined): BodyShape | undefined {
  if (!body) return undefined;
  try {
    return JSON.parse(body) as BodyShape;
  } catch {
    return undefined;
  }
}

function isCordon(body: BodyShape | undefined): boolean {
  if (Array.isArray(body)) return body.some((op: { path?: string; value?: unknown }) => op.path === '/spec/unschedulable' && op.value === true);
  return body?.spec?.unschedulable === true;
}

function imageOf(body: BodyShape | undefined): string {
  const images = body?.spec?.containers?.map((container) => container.image).filter(Boolean) ?? [];
  return images.length ? `, image ${images.join(', ')}` : '';
}

function singular(resource: string): string {
  if (resource.endsWith('ies')) return `${resource.slice(0, -3)}y`;
  if (resource.endsWith('sses')) return resource.slice(0, -2);
  return resource.endsWith('s') ? resource.slice(0, -1) : resource;
}
