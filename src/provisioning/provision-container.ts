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
import type { NodeAccess } from '../target/node-access';
import type { WorkContext } from './work-context';

/** A container the suite built or adopted, with the host key the Proxmox host reported for it. */
export interface ProvisionedContainer {
  vmid: number;
  hostname: string;
  ip: string;
  /** The Proxmox node it is on. */
  node: string;
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
  const placement = await ctx.placement(spec);
  const node = target.node(placement.node);
  const { proxmox } = node;
  const existing = await proxmox.containerStatus(spec.vmid);
  let createdThisRun = false;
  if (existing) {
    await refuseIfAnotherRunBuilds(ctx, node, spec);
    if (existing.name !== spec.hostname) {
      throw new InfrastructureError(
        'proxmox',
        `VMID ${spec.vmid} is already used by "${existing.name}" on node ${node.name}; the suite will not touch it. ` +
          'Pick a free VMID in the specification (`pvesh get /cluster/nextid` suggests one).',
      );
    }
    evidence.note(`CT ${spec.vmid} (${spec.hostname}) already exists on node ${node.name} (${existing.status}); reusing it`);
  } else {
    evidence.note(`building CT ${spec.vmid} on node ${node.name}: ${placement.why}${placement.considered.length > 1 ? `\n${placement.considered.join('\n')}` : ''}`);
    const parameters = lxcCreateParameters(spec, publicKeyOf(target.build.workerKey), ctx.run.owner);
    // On record before the request: a crash while Proxmox creates it must still leave a trace to clean up.
    ctx.tracker.intend({ kind: 'container', vmid: spec.vmid, hostname: spec.hostname });
    const created = await runTask(
      proxmox,
      async () => {
        const upid = await proxmox.createContainer(parameters).catch(async (error: Error) => {
          // Another run may have created it since the preflight: say whose it is rather than what Proxmox said.
          if (/already exists/.test(error.message)) await refuseIfAnotherRunBuilds(ctx, node, spec);
          throw error;
        });
        createdThisRun = true;
        return upid;
      },
      ctx.waits.deadline('task', `CT ${spec.vmid} creation`),
      (message) => evidence.note(message),
    );
    evidence.attach(`Proxmox task log: create CT ${spec.vmid}`, created.log.join('\n'));
    await configureAsRoot(node, spec, evidence);
  }

  const status = existing && !createdThisRun ? existing.status : 'stopped';
  if (status !== 'running') {
    const started = await runTask(proxmox, () => proxmox.startContainer(spec.vmid), ctx.waits.deadline('task', `CT ${spec.vmid} start`), (message) => evidence.note(message));
    evidence.attach(`Proxmox task log: start CT ${spec.vmid}`, started.log.join('\n'));
    noteWhatTookEffect(started.log, spec, evidence);
  }
  const hostKeyFingerprint = await guestHostKeyFingerprint(node, spec.vmid);
  return { vmid: spec.vmid, hostname: spec.hostname, ip: spec.ip, node: node.name, hostKeyFingerprint, createdThisRun };
}

async function refuseIfAnotherRunBuilds(ctx: WorkContext, node: NodeAccess, spec: WorkerSpec): Promise<void> {
  const owner = await otherLiveBuilder(node.proxmox, spec.vmid, ctx.run);
  if (owner) throw new ConfigurationError([anotherRunProblem(spec, owner)]);
}

/**
 * Which of the asked-for features took effect on this container, from what Proxmox says while starting it: an explicit
 * lxc.apparmor.profile overrides the AppArmor parts of nesting and fuse (pve-container LXC.pm make_apparmor_config
 * logs "explicitly configured lxc.apparmor.profile overrides the following settings: …", and the task still ends
 * OK), and keyctl only changes the seccomp profile of an unprivileged container (make_seccomp_config), so on the
 * privileged worker it is a no-op.
 */
function noteWhatTookEffect(startLog: string[], spec: WorkerSpec, evidence: Evidence): void {
  const overrides = startLog.filter((line) => /^explicitly configured lxc\.\S+ overrides the following settings:/.test(line));
  const lines = Object.entries(spec.features).map(([feature, value]) => {
    const overridden = overrides.find((line) => line.includes(`features:${feature}`) || (feature === 'keyctl' && line.includes('keyctl')));
    if (overridden) return `${feature}=${value}: set in the configuration, overridden (${overridden.trim()})`;
    if (feature === 'keyctl') return `${feature}=${value}: set in the configuration, no effect on a privileged container (keyctl only relaxes an unprivileged container's seccomp profile)`;
    return `${feature}=${value}: in effect`;
  });
  evidence.attach(`CT ${spec.vmid}: which features took effect`, [...lines, '', 'The start task said:', ...(overrides.length ? overrides : ['(no override warnings)'])].join('\n'));
}

/** Feature flags and raw lxc lines, applied as root on the node, then read back through the API to prove they took. */
async function configureAsRoot(node: NodeAccess, spec: WorkerSpec, evidence: Evidence): Promise<void> {
  const script = hostConfigurationScript(spec);
  // No secret in it, so it goes as the command itself (sshd runs it with the user's shell), heredoc included.
  const result = await (await node.host()).exec(script, { change: { action: 'configure', target: `CT ${spec.vmid} on ${node.name} (features and raw LXC lines, as root)` } });
  if (result.exitCode !== 0) {
    throw new InfrastructureError('proxmox', `configuring CT ${spec.vmid} as root on the Proxmox host failed (exit ${result.exitCode})`, result.stderr || result.stdout);
  }
  const config = await node.proxmox.containerConfig(spec.vmid);
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
async function guestHostKeyFingerprint(node: NodeAccess, vmid: number): Promise<string> {
  const result = await (await node.host()).exec(`pct exec ${vmid} -- cat /etc/ssh/ssh_host_ed25519_key.pub`);
  if (result.exitCode !== 0) {
    throw new InfrastructureError('ssh', `could not read CT ${vmid}'s SSH host key through the Proxmox host (exit ${result.exitCode})`, result.stderr);
  }
  return publicKeyLineFingerprint(result.stdout);
}

/** Opens SSH to the guest through its node's root shell as the jump host, retrying while its sshd is still booting. */
export async function openGuestSession(target: Target, container: ProvisionedContainer, waits: Waits): Promise<SshSession> {
  const deadline = waits.deadline('ssh', `SSH to ${container.hostname} (${container.ip}:22) through the Proxmox host`);
  const jumpHost = await target.node(container.node).host();
  return deadline.track((phase) => connectWhenReady(target, jumpHost, container, deadline, phase));
}

async function connectWhenReady(target: Target, jumpHost: SshSession, container: ProvisionedContainer, deadline: Deadline, phase: PhaseObserver): Promise<SshSession> {
  let lastError = 'no attempt yet';
  for (let attempt = 0; ; attempt++) {
    try {
      return await SshSession.open(
        {
          label: `worker ${container.hostname}`,
          host: container.ip,
          port: 22,
          username: 'root',
          privateKey: target.build.workerKey,
          hostKeyFingerprint: container.hostKeyFingerprint,
          hostKeyAlgorithm: 'ssh-ed25519',
          system: 'guest',
        },
        { via: jumpHost, changes: target.services.changes },
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
