import type { KubeObject } from '../../contracts/kube-object';
import { resourceType } from './resource-registry';
import { badRequest } from './status-errors';

/** One requirement of a label selector (k8s.io/apimachinery/pkg/labels). */
export interface LabelRequirement {
  key: string;
  operator: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

export type Selector = (object: KubeObject) => boolean;

const everything: Selector = () => true;

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

export function parseLabelSelector(text: string | null | undefined): LabelRequirement[] {
  if (!text) return [];
  return splitTerms(text).map((term) => {
    const set = /^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (set) return { key: set[1], operator: set[2] as 'in' | 'notin', values: set[3].split(',').map((v) => v.trim()).filter(Boolean) };
    const equality = /^([^\s!=]+)\s*(==|!=|=)\s*(\S*)$/.exec(term);
    if (equality) return { key: equality[1], operator: equality[2] === '!=' ? '!=' : '=', values: [equality[3]] };
    const absent = /^!\s*([^\s!=]+)$/.exec(term);
    if (absent) return { key: absent[1], operator: '!', values: [] };
    if (/^[^\s!=(),]+$/.test(term)) return { key: term, operator: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

export function labelsMatch(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const has = (key: string) => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
  return requirements.every(({ key, operator, values }) => {
    switch (operator) {
      case '=': return has(key) && labels![key] === values[0];
      case '!=': return !has(key) || labels![key] !== values[0];
      case 'in': return has(key) && values.includes(labels![key]);
      case 'notin': return !has(key) || !values.includes(labels![key]);
      case 'exists': return has(key);
      case '!': return !has(key);
    }
  });
}

export function labelSelector(text: string | null | undefined): Selector {
  const requirements = parseLabelSelector(text);
  return requirements.length ? (object) => labelsMatch(requirements, object.metadata.labels) : everything;
}

/** Every resource can be selected by its name and namespace (DefaultClusterScopedAttr / DefaultNamespaceScopedAttr). */
const METADATA_FIELDS: Record<string, (object: KubeObject) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

/** A field selector over the labels `resource` supports (its definition's fieldLabels), as the registry converts them. */
export function fieldSelector(resource: string, text: string | null | undefined): Selector {
  if (!text) return everything;
  const tests = splitTerms(text).map((term) => {
    const match = /^([^!=]+)(==|!=|=)(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, operator, value] = match;
    const read = METADATA_FIELDS[field] ?? resourceType(resource)?.fieldLabels?.[field];
    if (!read) throw badRequest(`field label not supported: ${field}`);
    return (object: KubeObject) => (read(object) === value) === (operator !== '!=');
  });
  return (object) => tests.every((test) => test(object));
}

export function both(first: Selector, second: Selector): Selector {
  return (object) => first(object) && second(object);
}
