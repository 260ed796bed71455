import { utils } from 'ssh2';
import { anotherRunProblem, otherLiveBuilder } from '../cleanup/run-liveness';
import { ConfigurationError, InfrastructureError } from '../errors';
import { runTask } from '../proxmox/run-task';
import type { Evidence } from '../report/evidence';
import { WorkerSpec } from '../spec/worker-spec';
import { publicKeyLineFingerprint } from '../ssh/host-key-fingerprint';
import { SshSession } from '../ssh/ssh-session';
import type { Target } from '../target/target';
import type { Deadline, PhaseObserver } from '../waiting/deadline';
import type { Waits } from '../waiting/waits';
import { hostConfigurationScript, lxcCreateParameters } from './lxc-parameters';
import type { WorkContext } from './work-context';

/** A container the suite built or adopted, with the host key the Proxmox host reported for it. */
export interface ProvisionedContainer {
  vmid: number;
  hostname: string;
  ip: string;
  hostKeyFingerprint: string;
  createdThisRun: boolean;
}

/** The OpenSSH public key line of a private key, for `ssh-public-keys`. */
export function publicKeyOf(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) throw new InfrastructureError('ssh', `the worker SSH private key cannot be read: ${key.message}`);
  return `${key.type} ${key.getPublicSSH().toString('base64')} k3s-acceptance`;
}

/**
 * Creates the worker's container as the story did: the API (with the token) creates it, the host's root shell adds
 * what only root@pam may set, then the API starts it. The template's presence is the preflight's to check
 * (src/preflight/worker-preflight.ts); a template gone since then fails in the vzcreate task, with its log. An
 * existing container with the same VMID is adopted only if it is the same worker (same hostname) and no other run
 * that is still going is building it; anything else there is refused, never touched.
 */
export async function provisionContainer(ctx: WorkContext, spec: WorkerSpec): Promise<ProvisionedContainer> {
  const { target, evidence } = ctx;
  const existing = await target.proxmox.containerStatus(spec.vmid);
  let createdThisRun = false;
  if (existing) {
    if (existing.name !== spec.hostname) {
      throw new InfrastructureError(
        'proxmox',
        `VMID ${spec.vmid} is already used by "${existing.name}" on node ${target.proxmox.node}; the suite will not touch it. ` +
          'Pick a free VMID in the specification (`pvesh get /cluster/nextid` suggests one).',
      );
    }
    await refuseIfAnotherRunBuilds(ctx, spec);
    evidence.note(`CT ${spec.vmid} (${spec.hostname}) already exists (${existing.status}); reusing it`);
  } else {
    const parameters = lxcCreateParameters(spec, publicKeyOf(target.config.worker.privateKey), ctx.run.owner);
    // On record before the request: a crash while Proxmox creates it must still leave a trace to clean up.
    ctx.tracker.intend({ kind: 'container', vmid: spec.vmid, hostname: spec.hostname });
    const created = await runTask(
      target.proxmox,
      async () => {
        const upid = await target.proxmox.createContainer(parameters).catch(async (error: Error) => {
          // Another run may have created it since the preflight: say whose it is rather than what Proxmox said.
          if (/already exists/.test(error.message)) await refuseIfAnotherRunBuilds(ctx, spec);
          throw error;
        });
        createdThisRun = true;
        return upid;
      },
      ctx.waits.deadline('task', `CT ${spec.vmid} creation`),
      (message) => evidence.note(message),
    );
    evidence.attach(`Proxmox task log: create CT ${spec.vmid}`, created.log.join('\n'));
    await configureAsRoot(target, spec, evidence);
  }

  const status = existing && !createdThisRun ? existing.status : 'stopped';
  if (status !== 'running') {
    const started = await runTask(target.proxmox, () => target.proxmox.startContainer(spec.vmid), ctx.waits.deadline('task', `CT ${spec.vmid} start`), (message) => evidence.note(message));
    evidence.attach(`Proxmox task log: start CT ${spec.vmid}`, started.log.join('\n'));
  }
  const hostKeyFingerprint = await guestHostKeyFingerprint(target, spec.vmid);
  return { vmid: spec.vmid, hostname: spec.hostname, ip: spec.ip, hostKeyFingerprint, createdThisRun };
}

async function refuseIfAnotherRunBuilds(ctx: WorkContext, spec: WorkerSpec): Promise<void> {
  const owner = await otherLiveBuilder(ctx.target.proxmox, spec.vmid, ctx.run);
  if (owner) throw new ConfigurationError([anotherRunProblem(spec, owner)]);
}

/** Feature flags and raw lxc lines, applied as root on the host, then read back through the API to prove they took. */
async function configureAsRoot(target: Target, spec: WorkerSpec, evidence: Evidence): Promise<void> {
  const script = hostConfigurationScript(spec);
  // No secret in it, so it goes as the command itself (sshd runs it with the user's shell), heredoc included.
  const result = await target.proxmoxHost.exec(script, { change: { action: 'configure', target: `CT ${spec.vmid} (features and raw LXC lines, as root)` } });
  if (result.exitCode !== 0) {
    throw new InfrastructureError('proxmox', `configuring CT ${spec.vmid} as root on the Proxmox host failed (exit ${result.exitCode})`, result.stderr || result.stdout);
  }
  const config = await target.proxmox.containerConfig(spec.vmid);
  evidence.attach(`CT ${spec.vmid} configuration as applied`, JSON.stringify(config, null, 2));
  const applied = new Map((config.lxc as Array<[string, string]> | undefined)?.map(([key, value]) => [`${key}: ${value}`.trimEnd(), true]));
  const missing = spec.rawLxc.map(([key, value]) => `${key}: ${value}`.trimEnd()).filter((line) => !applied.has(line));
  const features = String(config.features ?? '');
  const missingFeatures = Object.entries(spec.features).filter(([key, value]) => !features.split(',').includes(`${key}=${value}`));
  if (missing.length || missingFeatures.length) {
    throw new InfrastructureError(
      'proxmox',
      `CT ${spec.vmid}'s configuration lacks ${[...missingFeatures.map(([k, v]) => `feature ${k}=${v}`), ...missing].join(', ')} after applying it as root`,
      JSON.stringify(config, null, 2),
    );
  }
}

/**
 * The guest's ed25519 host key as the Proxmox host reads it from the container's filesystem: a trusted channel, so
 * the first SSH connection to the guest is already verified (no trust-on-first-use).
 */
async function guestHostKeyFingerprint(target: Target, vmid: number): Promise<string> {
  const result = await target.proxmoxHost.exec(`pct exec ${vmid} -- cat /etc/ssh/ssh_host_ed25519_key.pub`);
  if (result.exitCode !== 0) {
    throw new InfrastructureError('ssh', `could not read CT ${vmid}'s SSH host key through the Proxmox host (exit ${result.exitCode})`, result.stderr);
  }
  return publicKeyLineFingerprint(result.stdout);
}

/** Opens SSH to the guest through the Proxmox host, retrying while its sshd is still booting. */
export async function openGuestSession(target: Target, container: ProvisionedContainer, waits: Waits): Promise<SshSession> {
  const deadline = waits.deadline('ssh', `SSH to ${container.hostname} (${container.ip}:22) through the Proxmox host`);
  return deadline.track((phase) => connectWhenReady(target, container, deadline, phase));
}

async function connectWhenReady(target: Target, container: ProvisionedContainer, deadline: Deadline, phase: PhaseObserver): Promise<SshSession> {
  let lastError = 'no attempt yet';
  for (let attempt = 0; ; attempt++) {
    try {
      return await SshSession.open(
        {
          label: `worker ${container.hostname}`,
          host: container.ip,
          port: 22,
          username: 'root',
          privateKey: target.config.worker.privateKey,
          hostKeyFingerprint: container.hostKeyFingerprint,
          hostKeyAlgorithm: 'ssh-ed25519',
          system: 'guest',
        },
        { via: target.proxmoxHost, changes: target.services.changes },
      );
    } catch (error) {
      lastError = (error as Error).message;
      phase.observe(lastError);
      // A wrong host key is a verdict, not a boot delay.
      if (/presented host key/.test(lastError)) throw error;
      if (deadline.expired()) throw deadline.exceeded(lastError);
      await deadline.pause(Math.min(2000, 100 * 2 ** attempt));
    }
  }
}
