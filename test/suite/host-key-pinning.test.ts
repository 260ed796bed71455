import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab, type RunningLab } from '../../lab';
import { InfrastructureError } from '../../src/errors';
import { discardEvidence } from '../../src/provisioning/evidence';
import { openGuestSession } from '../../src/provisioning/provision-container';
import type { Target } from '../../src/provisioning/target';
import { WorkerBuild } from '../../src/provisioning/worker-build';
import { parseWorkerSpec } from '../../src/spec/worker-spec';
import { SshSession } from '../../src/ssh/ssh-session';
import { openTarget } from '../../support/open-target';

const spec = parseWorkerSpec(
  {
    vmid: '102', hostname: 'k3s-worker-01', cores: '2', memory: '2GB', disk: '10GB', address: '192.168.2.21/24', gateway: '192.168.2.1',
    bridge: 'vmbr0', storage: 'local-lvm', template: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst',
    features: 'nesting=1,keyctl=1,fuse=1', ssh: 'key', 'control plane': '192.168.2.20:6443',
  },
  ['lxc.apparmor.profile: unconfined'],
);

// A man in the middle, or a rebuilt host, presents another host key: the suite must refuse, never re-trust.
describe('SSH host keys are pinned, never trusted on first use', () => {
  let lab: RunningLab;
  let target: Target;
  before(async () => {
    lab = await startLab({ stateDir: mkdtempSync(join(tmpdir(), 'host-key-pinning-')) });
    target = await openTarget(lab.env, 'lab');
  });
  after(async () => {
    target.proxmoxHost.close();
    await lab.stop();
  });

  it('refuses the Proxmox host when it presents a key other than PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', async () => {
    const pinned = `SHA256:${'A'.repeat(43)}`;
    await assert.rejects(
      SshSession.open({ ...target.proxmoxHost.endpoint, hostKeyFingerprint: pinned }),
      (error: Error) => {
        assert.ok(error instanceof InfrastructureError);
        assert.ok(error.message.includes(`presented host key ${lab.env.PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT}, not the expected ${pinned}; refusing to connect`), error.message);
        return true;
      },
    );
  });

  it('refuses a guest whose host key changed after the Proxmox host reported it', async () => {
    const build = new WorkerBuild(spec, target, 'pin', () => {});
    const container = await build.ensureContainer(discardEvidence);
    (await openGuestSession(target, container)).close();
    const [replaced] = (await lab.guests.replaceHostKeys(container.vmid)).filter((key) => key.type === 'ed25519');
    await assert.rejects(openGuestSession(target, container), (error: Error) => {
      assert.ok(error.message.includes(`worker k3s-worker-01 (192.168.2.21:22) presented host key ${replaced.fingerprint}, not the expected ${container.hostKeyFingerprint}`), error.message);
      assert.match(error.message, /suspect a man in the middle/);
      return true;
    });
  });
});
