/**
 * The suite's failures, typed by what the operator should do next: fix an input, fix the infrastructure, or look at
 * why something did not happen in time. Every message names what was expected, what was seen and what to try.
 */

/** One bad input: which value, what is wrong, how to fix it. */
export interface InputProblem {
  input: string;
  problem: string;
  fix: string;
}

/** Bad inputs, all reported together, before anything is created. */
export class ConfigurationError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(
      `${problems.length} input problem${problems.length === 1 ? '' : 's'}; nothing was created:\n` +
        problems.map((p) => `  - ${p.input}: ${p.problem.replace(/\.+$/, '')}. Fix: ${p.fix}`).join('\n'),
    );
    this.name = 'ConfigurationError';
  }
}

/** Which part of the infrastructure failed, for the report's categories. */
export type InfrastructurePhase = 'proxmox' | 'ssh' | 'join' | 'kubernetes' | 'scheduling';

const PHASE_NAMES: Record<InfrastructurePhase, string> = {
  proxmox: 'ProxmoxFailure',
  ssh: 'SshFailure',
  join: 'JoinFailure',
  kubernetes: 'KubernetesFailure',
  scheduling: 'SchedulingFailure',
};

/**
 * The system under test refused or failed; `evidence` is what the operator should read (task log, journal, events).
 * Its name says which part failed (ProxmoxFailure, JoinFailure, …), so reports can sort failures by it.
 */
export class InfrastructureError extends Error {
  constructor(
    readonly phase: InfrastructurePhase,
    message: string,
    readonly evidence?: string,
  ) {
    super(message);
    this.name = PHASE_NAMES[phase];
  }
}

/** An SSH connection ended under a running command, with no exit status: the command's outcome is unknown. */
export class SshConnectionLost extends InfrastructureError {
  constructor(message: string, evidence?: string) {
    super('ssh', message, evidence);
  }
}

/** Something did not happen before its deadline; the message carries the last state observed. */
export class DeadlineExceededError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastObserved: string,
  ) {
    super(`${what} not reached after ${Math.round(timeoutMs / 1000)}s; last observed: ${lastObserved}`);
    this.name = 'DeadlineExceededError';
  }
}
