import { copy, kubeTime, type KubeObject } from '../../contracts/kube-object';
import type { ObjectStore } from '../apiserver/object-store';
import { eventName } from '../../contracts/event-names';

export interface EventReport {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `kubelet`, `default-scheduler`, `node-controller`. */
  component: string;
  /** The node the kubelet runs on, or the controller's instance name. */
  host?: string;
  fieldPath?: string;
}


/** The core/v1 Event a component records for `report`, named `<object>.<hex>` as client-go's recorder does. */
export function eventFor(report: EventReport): KubeObject {
  const now = kubeTime();
  const { involved } = report;
  const namespace = involved.metadata.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(involved.metadata.name), namespace },
    involvedObject: {
      kind: involved.kind, namespace: involved.metadata.namespace, name: involved.metadata.name, uid: involved.metadata.uid,
      apiVersion: 'v1', resourceVersion: involved.metadata.resourceVersion, ...(report.fieldPath ? { fieldPath: report.fieldPath } : {}),
    },
    reason: report.reason,
    message: report.message,
    source: { component: report.component, ...(report.host ? { host: report.host } : {}) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: report.type,
    eventTime: null,
    reportingComponent: report.component,
    reportingInstance: report.host ?? '',
  };
}

/**
 * Records an event straight into the store for in-process components. Like client-go's EventCorrelator, a repeat of
 * the same reason and message for the same object bumps `count` and `lastTimestamp` instead of adding an event.
 */
export function recordEvent(store: ObjectStore, report: EventReport): KubeObject {
  const namespace = report.involved.metadata.namespace ?? 'default';
  const repeat = store.list('events', namespace).find((event) => {
    const involved = event.involvedObject as Record<string, string>;
    return involved.uid === report.involved.metadata.uid && event.reason === report.reason && event.message === report.message
      && (event.source as Record<string, string>).component === report.component;
  });
  if (repeat) {
    return store.mutate('events', namespace, repeat.metadata.name, (event) => {
      event.count = ((event.count as number) ?? 1) + 1;
      event.lastTimestamp = kubeTime();
    });
  }
  return store.create('events', copy(eventFor(report)));
}
