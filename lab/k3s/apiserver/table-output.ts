import type { KubeObject } from '../../contracts/kube-object';
import { apiVersionOf, type ResourceDefinition } from './resource';

/** kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the server's columns. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** The Content-Type kube-apiserver answers a Table request with. */
export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** `?includeObject=`: what each row carries besides its cells (metav1.IncludeObjectPolicy, default Metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectPolicy(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A resource's server-side printer: its columns (priority 1 only with -o wide) and each object's cells. */
export interface Printer {
  columns: Column[];
  row: (object: KubeObject) => unknown[];
}

export const column = (name: string, priority = 0, type = 'string', format = ''): Column => ({ name, type, format, description: name, priority });

/** The NAME column every printer starts with. */
export const nameColumn = () => column('Name', 0, 'string', 'name');

/** apimachinery's duration.HumanDuration, which kubectl's AGE column shows. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

/** translateTimestampSince in the printers: `<unknown>` for a zero time. */
export const since = (timestamp: string | undefined | null) => (timestamp ? humanDuration(Date.now() - Date.parse(timestamp)) : '<unknown>');
export const age = (object: KubeObject) => since(object.metadata.creationTimestamp);

/** How many keys a map has (DATA columns). */
export const count = (value: unknown) => Object.keys((value ?? {}) as object).length;

/** A label selector as metav1.FormatLabelSelector prints it: `app=x,tier in (a,b)`, `<none>` when empty. */
export function formatLabelSelector(selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined): string {
  if (!selector) return '<none>';
  const parts = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In': parts.push(`${expression.key} in (${values.join(',')})`); break;
      case 'NotIn': parts.push(`${expression.key} notin (${values.join(',')})`); break;
      case 'Exists': parts.push(expression.key); break;
      case 'DoesNotExist': parts.push(`!${expression.key}`); break;
    }
  }
  return parts.length ? parts.join(',') : '<none>';
}

/**
 * The apiserver's default table for a resource without a printer (rest/table.go): NAME and CREATED AT. Roles and
 * ClusterRoles print the same columns.
 */
const DEFAULT_PRINTER: Printer = {
  columns: [nameColumn(), column('Created At', 0, 'date')],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};

export function asTable(type: ResourceDefinition, objects: KubeObject[], resourceVersion: number, include: IncludeObject = 'Metadata') {
  const printer = type.printer ?? DEFAULT_PRINTER;
  const rowObject = (object: KubeObject) => {
    if (include === 'None') return {};
    if (include === 'Object') return { object: { kind: type.kind, apiVersion: apiVersionOf(type), ...object } };
    return { object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata } };
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(resourceVersion) },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({ cells: printer.row(object), ...rowObject(object) })),
  };
}
