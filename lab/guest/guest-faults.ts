/**
 * Faults a test can arm on the guests (`GuestRuntime.faults`). Each fires once, in the next guest or kubelet that
 * gets there, unless it says "from now on"; nothing fires unless armed. See LIMITATIONS.md, "Faults".
 */
export interface GuestFaults {
  /**
   * The next time the k3s installer runs in a guest over SSH (not `pct exec`), the SSH connection carrying it is
   * dropped while install.sh downloads the k3s binary, after its first `[INFO]` lines: the TCP socket is destroyed,
   * no exit-status is sent. sshd signals nothing (no pty): the installer dies of SIGPIPE at its next `[INFO]` line,
   * after the download and before anything is installed.
   */
  dropSshDuringInstall(): void;
  /** The next kubelet to start registers its Node but stays NotReady (KubeletNotReady, cni plugin not initialized). */
  kubeletNeverReady(): void;
  /**
   * The next kubelet to start posts Ready once and then no more node status (hung kubelet, frozen container), so the
   * node lifecycle controller turns the Node Unknown after its grace period. SSH and the agent unit stay up.
   */
  kubeletStopsPosting(): void;
  /**
   * The next guest to start answers its first `refusals` SSH connection attempts with ECONNREFUSED (the container is
   * up, its sshd not yet), then accepts normally.
   */
  sshLateInBoot(refusals: number): void;
  /**
   * The next guest to start answers SSH with host keys other than those in its /etc/ssh (what `pct exec … cat
   * /etc/ssh/ssh_host_ed25519_key.pub` shows): a man in the middle at the guest's address.
   */
  impostorHostKeyAfterBoot(): void;
  /** Kubelets that start from now on run with `--max-pods=n`: capacity and allocatable say `pods: n`. */
  maxPods(n: number): void;
  /** Disarms everything not yet fired and drops the max-pods setting (kubelets already running keep theirs). */
  clear(): void;
}

/** The armed faults, consumed by the installer and the kubelets. */
export class GuestFaultPlan implements GuestFaults {
  private dropInstall = false;
  private neverReady = false;
  private stopsPosting = false;
  private pods?: number;
  private sshRefusals = 0;
  private impostor = false;

  dropSshDuringInstall(): void {
    this.dropInstall = true;
  }

  kubeletNeverReady(): void {
    this.neverReady = true;
  }

  sshLateInBoot(refusals: number): void {
    if (!Number.isInteger(refusals) || refusals < 0) throw new RangeError(`sshLateInBoot needs a whole number of refusals, got ${refusals}`);
    this.sshRefusals = refusals;
  }

  impostorHostKeyAfterBoot(): void {
    this.impostor = true;
  }

  takeImpostorHostKey(): boolean {
    const armed = this.impostor;
    this.impostor = false;
    return armed;
  }

  /** How many SSH connections the guest starting now refuses first (0 unless armed). */
  takeSshRefusals(): number {
    const refusals = this.sshRefusals;
    this.sshRefusals = 0;
    return refusals;
  }

  kubeletStopsPosting(): void {
    this.stopsPosting = true;
  }

  maxPods(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`maxPods needs a whole number of pods, got ${n}`);
    this.pods = n;
  }

  clear(): void {
    this.dropInstall = false;
    this.neverReady = false;
    this.stopsPosting = false;
    this.pods = undefined;
    this.sshRefusals = 0;
    this.impostor = false;
  }

  takeDropSshDuringInstall(): boolean {
    return this.take('dropInstall');
  }

  takeKubeletNeverReady(): boolean {
    return this.take('neverReady');
  }

  takeKubeletStopsPosting(): boolean {
    return this.take('stopsPosting');
  }

  /** The `--max-pods` a kubelet starting now gets, if a test set one (the kubelet's default is 110). */
  get maxPodsSetting(): number | undefined {
    return this.pods;
  }

  private take(flag: 'dropInstall' | 'neverReady' | 'stopsPosting'): boolean {
    const armed = this[flag];
    this[flag] = false;
    return armed;
  }
}
