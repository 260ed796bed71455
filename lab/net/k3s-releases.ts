import { createHash } from 'node:crypto';
import { CONTAINERD_VERSION, K3S_VERSION } from '../contracts/k3s-join';

/** What a k3s release carries that its users can see: `k3s --version`'s commit and Go, and its containerd. */
export interface K3sRelease {
  version: string;
  commit: string;
  goVersion: string;
  /** The Node's status.nodeInfo.containerRuntimeVersion. */
  containerd: string;
}

/** The release the lab's server runs, as `k3s --version` prints it on a real v1.34.3+k3s1 node. */
const SERVER_RELEASE: K3sRelease = { version: K3S_VERSION, commit: '48ffa7b6', goVersion: 'go1.24.11', containerd: CONTAINERD_VERSION };

/** The newer release the lab's `stable` and `latest` channels point at unless told otherwise: one minor ahead. */
export const NEXT_MINOR_VERSION = 'v1.35.1+k3s1';

/** Go toolchains by Kubernetes minor (k3s builds each minor with the Go its Kubernetes release uses). */
const GO_BY_MINOR: Record<number, string> = { 31: 'go1.23.12', 32: 'go1.23.12', 33: 'go1.24.9', 34: 'go1.24.11', 35: 'go1.25.5' };

/** `v1.35.1+k3s1` -> { major 1, minor 35, patch 1 }, or undefined for anything that is not a k3s release name. */
export function parseK3sVersion(version: string): { major: number; minor: number; patch: number } | undefined {
  const match = /^v(\d+)\.(\d+)\.(\d+)(?:-rc\d+)?\+k3s\d+$/.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) } : undefined;
}

/**
 * The facts of a release. Only v1.34.3+k3s1's commit is the real one; for any other version the lab derives a stable
 * 8-hex commit from the name, so `k3s --version` has the real shape without claiming a real commit.
 */
export function k3sRelease(version: string): K3sRelease {
  if (version === SERVER_RELEASE.version) return SERVER_RELEASE;
  const minor = parseK3sVersion(version)?.minor ?? 34;
  const commit = createHash('sha256').update(version).digest('hex').slice(0, 8);
  return { version, commit, goVersion: GO_BY_MINOR[minor] ?? 'go1.25.5', containerd: CONTAINERD_VERSION };
}

/**
 * k3s's release channels as update.k3s.io serves them (k3s channel.yaml): `stable` and `latest` one minor ahead of the
 * lab's server, and a channel per minor (`v1.34` is the server's own release). `overrides` (NAME=VERSION) win.
 */
export class K3sChannels {
  private readonly channels: Map<string, string>;

  constructor(overrides: Record<string, string> = {}) {
    const next = parseK3sVersion(NEXT_MINOR_VERSION)!;
    const server = parseK3sVersion(K3S_VERSION)!;
    this.channels = new Map(Object.entries({
      stable: NEXT_MINOR_VERSION,
      latest: NEXT_MINOR_VERSION,
      [`v${server.major}.${server.minor}`]: K3S_VERSION,
      [`v${next.major}.${next.minor}`]: NEXT_MINOR_VERSION,
      ...overrides,
    }));
  }

  /** The release a channel points at, or undefined: the channel server then answers 404. */
  latest(channel: string): string | undefined {
    return this.channels.get(channel);
  }

  /** Releases published on GitHub: every channel's target and the server's own. Anything else is a 404. */
  published(version: string): boolean {
    return version === K3S_VERSION || [...this.channels.values()].includes(version);
  }

  entries(): Array<[channel: string, version: string]> {
    return [...this.channels];
  }
}

/** Parses `NAME=VERSION` (as `--k3s-channel stable=v1.35.1+k3s1` gives it); throws naming what is wrong. */
export function parseChannelSetting(text: string): [channel: string, version: string] {
  const at = text.indexOf('=');
  const [name, version] = at > 0 ? [text.slice(0, at).trim(), text.slice(at + 1).trim()] : ['', ''];
  if (!name || !/^[A-Za-z0-9.+-]+$/.test(name)) throw new Error(`"${text}" is not NAME=VERSION`);
  if (!parseK3sVersion(version)) throw new Error(`"${version}" is not a k3s release such as v1.35.1+k3s1`);
  return [name, version];
}
