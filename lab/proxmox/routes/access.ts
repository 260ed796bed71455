import type { ApiAuthenticator } from '../auth';
import { ApiError } from '../envelope';
import type { Route } from '../router';
import { verifyParameters } from '../schema/verify-parameters';

/** POST /access/ticket: the ticket, CSRF token and capabilities of a logged-in user. */
export function accessRoutes(auth: ApiAuthenticator): Route[] {
  return [
    {
      method: 'POST',
      path: '/access/ticket',
      anonymous: true,
      handle: ({ params }) => {
        verifyParameters(params, {
          username: { type: 'string', maxLength: 64 },
          password: { type: 'string' },
          realm: { type: 'string', optional: true },
          otp: { type: 'string', optional: true },
          'new-format': { type: 'boolean', optional: true },
        });
        const user = params.realm && !params.username.includes('@') ? `${params.username}@${params.realm}` : params.username;
        const ticket = auth.issueTicket(user, params.password);
        if (!ticket) throw new ApiError(401, 'authentication failure');
        return { ...ticket, cap: rootCapabilities };
      },
    },
  ];
}

const all = (...privs: string[]) => Object.fromEntries(privs.map((p) => [p, 1]));
const rootCapabilities = {
  vms: all('VM.Allocate', 'VM.Audit', 'VM.Backup', 'VM.Clone', 'VM.Config.CPU', 'VM.Config.Disk', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.Options', 'VM.Console', 'VM.Migrate', 'VM.PowerMgmt', 'VM.Snapshot', 'Permissions.Modify'),
  storage: all('Datastore.Allocate', 'Datastore.AllocateSpace', 'Datastore.AllocateTemplate', 'Datastore.Audit', 'Permissions.Modify'),
  nodes: all('Sys.Audit', 'Sys.Console', 'Sys.Modify', 'Sys.PowerMgmt', 'Sys.Syslog', 'Permissions.Modify'),
  access: all('Group.Allocate', 'Realm.Allocate', 'User.Modify', 'Permissions.Modify'),
  dc: all('Sys.Audit', 'Sys.Modify', 'SDN.Audit', 'SDN.Allocate'),
  sdn: all('SDN.Allocate', 'SDN.Audit', 'SDN.Use', 'Permissions.Modify'),
};
