import { resourceDefinitions } from '../resources';
import { apiVersionOf, type ResourceDefinition } from './resource';

export { apiVersionOf, type ResourceDefinition } from './resource';

const served = resourceDefinitions;

/** The group-versions served, in discovery order (core first). */
export function groupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const { group, version } of served()) seen.set(apiVersionOf({ group, version }), { group, version });
  return [...seen.values()];
}

/** All served resources (plurals are unique across the served groups, so the store keys objects by plural alone). */
export function allResources(): readonly ResourceDefinition[] {
  return served();
}

export function resourceType(plural: string): ResourceDefinition | undefined {
  return served().find((type) => type.plural === plural);
}

/** The resource a URL names: `/api/v1/<plural>` or `/apis/<group>/<version>/<plural>`. */
export function resourceTypeIn(group: string, version: string, plural: string): ResourceDefinition | undefined {
  return served().find((type) => type.group === group && type.version === version && type.plural === plural);
}

export function resourceTypeOfKind(kind: string): ResourceDefinition | undefined {
  return served().find((type) => type.kind === kind);
}
