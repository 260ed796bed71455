import type { KubeObject } from '../../contracts/kube-object';
import { notSupported } from '../apiserver/field-errors';
import type { StatusCause } from '../apiserver/status-errors';
import { podSpecCauses } from './pods';

/** A Job's pods may not restart in place: Always (also the default when unset) is refused (batch/validation). */
export function jobTemplateCauses(template: KubeObject['spec'], path: string): StatusCause[] {
  const restartPolicy = template?.restartPolicy ?? 'Always';
  const causes: StatusCause[] = [];
  if (!['OnFailure', 'Never'].includes(restartPolicy)) causes.push(notSupported(`${path}.restartPolicy`, restartPolicy, ['OnFailure', 'Never']));
  causes.push(...podSpecCauses(template, path));
  return causes;
}
