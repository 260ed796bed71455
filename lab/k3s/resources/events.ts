import type { KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { column, since } from '../apiserver/table-output';

const involved = (event: KubeObject) => (event.involvedObject ?? {}) as Record<string, string>;

/** printEvent: OBJECT is `<lowercase kind>/<name>`, SOURCE `component, host`, LAST SEEN falls back to the first. */
function eventRow(event: KubeObject): unknown[] {
  const object = involved(event);
  const source = (event.source ?? {}) as Record<string, string>;
  const firstSeen = event.firstTimestamp ? since(event.firstTimestamp as string) : since(event.eventTime as string | undefined);
  const lastSeen = event.lastTimestamp ? since(event.lastTimestamp as string) : firstSeen;
  const target = object.name ? `${(object.kind ?? '').toLowerCase()}/${object.name}` : (object.kind ?? '').toLowerCase();
  const component = source.component || (event.reportingComponent as string) || '';
  const host = source.host || (event.reportingInstance as string) || '';
  return [lastSeen, event.type ?? '', event.reason ?? '', target, object.fieldPath ?? '', host ? `${component}, ${host}` : component,
    String(event.message ?? '').trim(), firstSeen, (event.count as number) || 1, event.metadata.name];
}

export const events: ResourceDefinition = {
  group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], verbs: ALL_VERBS,
  subresources: {},
  model: 'CoreV1Event',
  // Event names are `<object>.<hex>`, which the lab's own recorders make; ValidateEvent checks little else.
  validateName: () => undefined,
  fieldLabels: {
    'involvedObject.kind': (o) => involved(o).kind ?? '',
    'involvedObject.name': (o) => involved(o).name ?? '',
    'involvedObject.namespace': (o) => involved(o).namespace ?? '',
    'involvedObject.uid': (o) => involved(o).uid ?? '',
    'involvedObject.fieldPath': (o) => involved(o).fieldPath ?? '',
    reason: (o) => (o.reason as string | undefined) ?? '',
    type: (o) => (o.type as string | undefined) ?? '',
    source: (o) => (o.source as Record<string, string> | undefined)?.component ?? '',
    reportingComponent: (o) => (o.reportingComponent as string | undefined) ?? '',
  },
  printer: {
    columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Subobject', 1), column('Source', 1), column('Message'),
      column('First Seen', 1), column('Count', 1), column('Name', 1, 'string', 'name')],
    row: eventRow,
  },
};
