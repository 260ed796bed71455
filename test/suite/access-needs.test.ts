import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type AccessNeed, accessNeeds } from '../../src/kube/access-needs';
import { renderAccessTable } from '../../src/kube/access-table';

const root = join(__dirname, '../..');

/** Every (verb, resource, namespace, name) a list of needs asks for; '*' for every namespace or every name. */
function grantsOfNeeds(needs: AccessNeed[]): string[] {
  return needs.flatMap((need) => need.verbs.flatMap((verb) => (need.names ?? ['*']).map((name) => `${verb} ${need.group}/${need.resource} ns=${need.namespace ?? '*'} name=${name}`))).sort();
}

/** What a manifest's Roles and ClusterRoles grant the ServiceAccount `account`, by the bindings to it. */
function grantsOfManifest(file: string, account: string): string[] {
  const objects = k8s.loadAllYaml(readFileSync(join(root, file), 'utf8')) as Array<Record<string, any>>;
  const roles = new Map(objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  const grants = objects
    .filter((o) => (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === account))
    .flatMap((binding) => {
      const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : '*';
      const role = roles.get(`${binding.roleRef.kind}/${binding.roleRef.kind === 'Role' ? binding.metadata.namespace : ''}/${binding.roleRef.name}`);
      assert.ok(role, `${file}: ${binding.metadata.name} refers to a role the file defines`);
      return (role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }>).flatMap((rule) =>
        rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.flatMap((verb) => (rule.resourceNames ?? ['*']).map((name) => `${verb} ${group}/${resource} ns=${namespace} name=${name}`)))),
      );
    });
  return [...new Set(grants)].sort();
}

describe('the Kubernetes rights each kind of run uses: one list (src/kube/access-needs.ts), and what deploy/ and the README say', () => {
  it('deploy/nightly-cronjob.yaml grants its ServiceAccount exactly the nightly profile\'s rights, and no secret', () => {
    const grants = grantsOfManifest('deploy/nightly-cronjob.yaml', 'k3s-acceptance');
    assert.deepEqual(grants, [...new Set(grantsOfNeeds(accessNeeds('nightly')))].sort());
    assert.ok(!grants.some((grant) => grant.includes('/secrets')), 'the read-only nightly reads no secret');
    const uncommented = readFileSync(join(root, 'deploy/nightly-cronjob.yaml'), 'utf8').replace(/^\s*#.*$/gm, '');
    assert.doesNotMatch(uncommented, /kind: Secret|secretKeyRef|PROXMOX_VE_|K3S_TOKEN/, 'the nightly holds no keys');
  });

  it('deploy/rehearsal-cronjob.yaml grants its own ServiceAccount exactly the rehearsal profile\'s rights for k3s-rehearsal: its node-password secret only', () => {
    const grants = grantsOfManifest('deploy/rehearsal-cronjob.yaml', 'k3s-acceptance-rehearsal');
    assert.deepEqual(grants, [...new Set(grantsOfNeeds(accessNeeds('rehearsal', 'k3s-rehearsal')))].sort());
    assert.deepEqual(grants.filter((grant) => grant.includes('/secrets')), ['delete /secrets ns=kube-system name=k3s-rehearsal.node-password.k3s', 'get /secrets ns=kube-system name=k3s-rehearsal.node-password.k3s']);
  });

  it('the README\'s permission table is the list, rendered', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = renderAccessTable();
    assert.ok(readme.includes(table), `README.md's "Kubernetes permissions" table differs from src/kube/access-needs.ts; the table is:\n${table}`);
  });
});
