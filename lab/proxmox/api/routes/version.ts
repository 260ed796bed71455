import type { Route } from '../router';

/** What `pveversion` and GET /version report for the emulated release. */
export const PVE_VERSION = { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' };

export function versionRoutes(): Route[] {
  return [{ method: 'GET', path: '/version', handle: () => ({ ...PVE_VERSION }) }];
}
