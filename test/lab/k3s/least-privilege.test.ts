import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import { kubectlFor, kubectlMissing } from '../../support/kubectl';
import { startTestServer } from './lab-client';

/** A kubeconfig for a bearer token against the server: what an in-cluster client or `kubectl create token` hands out. */
function tokenKubeconfig(server: RunningK3sServer, token: string): string {
  const admin = server.kubeconfig();
  const ca = /certificate-authority-data: (\S+)/.exec(admin)![1];
  return [
    'apiVersion: v1', 'kind: Config', 'current-context: sa',
    'clusters:', '- name: lab', '  cluster:', `    certificate-authority-data: ${ca}`, `    server: https://127.0.0.1:${server.loopbackPort}`,
    'contexts:', '- name: sa', '  context:', '    cluster: lab', '    user: sa',
    'users:', '- name: sa', '  user:', `    token: ${token}`, '',
  ].join('\n');
}

describe('least privilege the Kubernetes way: kubectl auth can-i (SelfSubjectAccessReview) and kubectl create token (TokenRequest)', { skip: kubectlMissing }, () => {
  let server: RunningK3sServer;
  let dir: string;
  let admin: ReturnType<typeof kubectlFor>;
  let reader: ReturnType<typeof kubectlFor>;

  before(async () => {
    ({ server } = await startTestServer());
    dir = mkdtempSync(join(tmpdir(), 'kubectl-privilege-'));
    writeFileSync(join(dir, 'admin.yaml'), server.kubeconfig(), { mode: 0o600 });
    admin = kubectlFor(join(dir, 'admin.yaml'), join(dir, 'admin-home'));
    writeFileSync(join(dir, 'rbac.yaml'), [
      'apiVersion: v1', 'kind: ServiceAccount', 'metadata: {name: nightly, namespace: default}', '---',
      'apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata: {name: pod-reader, namespace: default}',
      'rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]', '---',
      'apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', 'metadata: {name: nightly-reads-pods, namespace: default}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}',
      'subjects: [{kind: ServiceAccount, name: nightly, namespace: default}]', '',
    ].join('\n'));
    await admin.ok('apply', '-f', join(dir, 'rbac.yaml'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create token: prints a JWT for the ServiceAccount (RS256, iss and aud as k3s sets them, an hour by default)', async () => {
    const token = (await admin.ok('create', 'token', 'nightly')).trim();
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.equal(header.alg, 'RS256');
    assert.equal(payload.sub, 'system:serviceaccount:default:nightly');
    assert.equal(payload.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.deepEqual(payload.aud, ['https://kubernetes.default.svc.cluster.local', 'k3s']);
    assert.equal(payload.exp - payload.iat, 3600);
    writeFileSync(join(dir, 'sa.yaml'), tokenKubeconfig(server, token), { mode: 0o600 });
    reader = kubectlFor(join(dir, 'sa.yaml'), join(dir, 'sa-home'));
    assert.equal((await reader.run('get', 'pods')).code, 0, 'the token authenticates');
  });

  it('create token --duration=5m: refused, a bound token lives at least 10 minutes', async () => {
    const result = await admin.run('create', 'token', 'nightly', '--duration=5m');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
  });

  it('auth can-i: "yes" (exit 0) for what the Role grants, "no" (exit 1) for the rest', async () => {
    assert.equal(await reader.ok('auth', 'can-i', 'list', 'pods'), 'yes\n');
    const denied = await reader.run('auth', 'can-i', 'delete', 'nodes');
    assert.deepEqual([denied.code, denied.stdout], [1, 'no\n']);
    const elsewhere = await reader.run('auth', 'can-i', 'list', 'pods', '-n', 'kube-system');
    assert.deepEqual([elsewhere.code, elsewhere.stdout], [1, 'no\n']);
  });

  it('auth can-i as the admin (system:masters): yes to anything', async () => {
    // kubectl itself warns that the context's namespace does not apply to nodes.
    const nodes = await admin.run('auth', 'can-i', 'delete', 'nodes');
    assert.deepEqual([nodes.code, nodes.stdout, nodes.stderr], [0, 'yes\n', "Warning: resource 'nodes' is not namespace scoped\n\n"]);
    assert.equal(await admin.ok('auth', 'can-i', '*', '*'), 'yes\n');
  });

  it('auth can-i --list: the Role\'s rule next to what every authenticated user may do (SelfSubjectRulesReview)', async () => {
    const text = await reader.ok('auth', 'can-i', '--list');
    const rows = text.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));
    assert.deepEqual(rows[0], ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    assert.ok(rows.some((row) => row[0] === 'pods' && row.at(-1) === '[get list watch]'), text);
    assert.ok(rows.some((row) => row[0] === 'selfsubjectaccessreviews.authorization.k8s.io' && row.at(-1) === '[create]'), text);
  });
});
