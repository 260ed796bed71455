import type { LabelSelector } from './pod-templates';

/**
 * A label selector as labels.Selector.String() prints it (what printDeployment's wide SELECTOR shows), and as
 * metav1.FormatLabelSelector prints it for ReplicaSets, DaemonSets and Jobs: `k=v,k2 in (a,b)`, `<none>` if empty.
 */
export function selectorString(selector: LabelSelector | undefined): string {
  if (!selector) return '<none>';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    switch (expression.operator) {
      case 'In': parts.push(`${expression.key} in (${values})`); break;
      case 'NotIn': parts.push(`${expression.key} notin (${values})`); break;
      case 'Exists': parts.push(expression.key); break;
      case 'DoesNotExist': parts.push(`!${expression.key}`); break;
    }
  }
  return parts.length ? parts.sort().join(',') : '<none>';
}

/** labels.FormatLabels: a plain label map as `k=v,k2=v2` (sorted), `<none>` if empty (DaemonSet NODE SELECTOR). */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  return entries.length ? entries.join(',') : '<none>';
}
