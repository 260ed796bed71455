import type { KubeObject } from '../../contracts/kube-object';
import { notSupported, required } from '../apiserver/field-errors';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import type { StatusCause } from '../apiserver/status-errors';
import { age, column, nameColumn } from '../apiserver/table-output';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** core/validation ValidatePersistentVolumeClaimSpec: access modes and a storage request. */
function claimCauses(claim: KubeObject): StatusCause[] {
  const modes = (claim.spec?.accessModes ?? []) as string[];
  const causes: StatusCause[] = [];
  if (!modes.length) causes.push(required('spec.accessModes', 'at least 1 access mode is required'));
  for (const mode of modes) if (!ACCESS_MODES.includes(mode)) causes.push(notSupported('spec.accessModes', mode, ACCESS_MODES));
  if (claim.spec?.resources?.requests?.storage === undefined) causes.push(required('spec.resources[storage]'));
  return causes;
}

/** GetAccessModesAsString: RWO, ROX, RWX, RWOP, in that order. */
function accessModes(modes: string[] | undefined): string {
  const short: Array<[string, string]> = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
  return short.filter(([mode]) => modes?.includes(mode)).map(([, abbreviation]) => abbreviation).join(',');
}

export const persistentVolumeClaims: ResourceDefinition = {
  group: '', version: 'v1', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', namespaced: true,
  shortNames: ['pvc'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('PersistentVolumeClaim') },
  model: 'V1PersistentVolumeClaim',
  defaults: (claim) => {
    claim.spec ??= {};
    claim.spec.volumeMode ??= 'Filesystem';
  },
  // k3s's local-path class binds on first consumer (WaitForFirstConsumer): a new claim waits for its pod.
  prepareForCreate: (claim) => {
    claim.status = { phase: 'Pending' };
  },
  validate: claimCauses,
  printer: {
    columns: [nameColumn(), column('Status'), column('Volume'), column('Capacity'), column('Access Modes'), column('StorageClass'),
      column('VolumeAttributesClass'), column('Age'), column('VolumeMode', 1)],
    row: (claim) => [claim.metadata.name, claim.metadata.deletionTimestamp ? 'Terminating' : claim.status?.phase ?? '', claim.spec?.volumeName ?? '',
      claim.status?.capacity?.storage ?? '', accessModes(claim.status?.accessModes), claim.spec?.storageClassName ?? '',
      claim.spec?.volumeAttributesClassName ?? '<unset>', age(claim), claim.spec?.volumeMode ?? ''],
  },
};
