import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InfrastructureError } from '../../src/errors';
import { openGuestSession } from '../../src/provisioning/provision-container';
import { WorkerBuild } from '../../src/story/worker-build';
import { SshSession } from '../../src/ssh/ssh-session';
import { storySpec, useLabTarget } from '../support/lab-target';
import { workContext } from '../support/open-target';

const spec = storySpec({ cores: '2', memory: '2GB', disk: '10GB' });

// A man in the middle, or a rebuilt host, presents another host key: the suite must refuse, never re-trust.
describe('SSH host keys are pinned, never trusted on first use', () => {
  const env = useLabTarget();

  it('refuses the Proxmox host when it presents a key other than PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', async () => {
    const pinned = `SHA256:${'A'.repeat(43)}`;
    await assert.rejects(
      SshSession.open({ ...env.target.proxmoxHost.endpoint, hostKeyFingerprint: pinned }),
      (error: Error) => {
        assert.ok(error instanceof InfrastructureError);
        assert.ok(error.message.includes(`presented host key ${env.lab.env.PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT}, not the expected ${pinned}; refusing to connect`), error.message);
        return true;
      },
    );
  });

  it('refuses a guest whose host key changed after the Proxmox host reported it', async () => {
    const build = new WorkerBuild(spec);
    const container = await build.ensureContainer(workContext(env.target));
    (await openGuestSession(env.target, container, env.target.services.waits)).close();
    const [replaced] = (await env.lab.guests.replaceHostKeys(container.vmid)).filter((key) => key.type === 'ed25519');
    await assert.rejects(openGuestSession(env.target, container, env.target.services.waits), (error: Error) => {
      assert.ok(error.message.includes(`worker k3s-worker-01 (192.168.2.21:22) presented host key ${replaced.fingerprint}, not the expected ${container.hostKeyFingerprint}`), error.message);
      assert.match(error.message, /suspect a man in the middle/);
      return true;
    });
  });
});
