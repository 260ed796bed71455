import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { k3sRelease } from './k3s-releases';
import { readTarArchive, tarArchive } from './tar-archive';

/**
 * The files of a k3s GitHub release (https://github.com/k3s-io/k3s/releases/download/<version>/...) as small
 * stand-ins the lab's guests recognise: `k3s` names its release, the airgap archives hold a docker-save
 * manifest.json listing the release's images (no layers), and sha256sum-amd64.txt has their real hashes.
 */

const BINARY_MARK = /^# k3s (v\S+) \(([0-9a-f]{8})\), lab stand-in for the static binary$/m;

/** /usr/local/bin/k3s for `version`: a script the guest's shell runs, naming its release in its second line. */
export function k3sBinary(version: string): Buffer {
  const { commit } = k3sRelease(version);
  return Buffer.from(`#!/bin/sh\n# k3s ${version} (${commit}), lab stand-in for the static binary\nk3s-lab-binary "$0" "$@"\n`);
}

/** The release a k3s binary is, or undefined when the bytes are not one the lab knows (exec format error). */
export function binaryRelease(content: Uint8Array | string): string | undefined {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('latin1');
  return BINARY_MARK.exec(text)?.[1];
}

/**
 * k3s v1.34's airgap images (scripts/airgap/image-list.txt of k3s v1.34.2+k3s1, the list its k3s-images.txt and
 * k3s-airgap-images-amd64.tar.zst carry). The lab uses the same list for every release.
 */
export const AIRGAP_IMAGES = [
  'docker.io/rancher/klipper-helm:v0.9.10-build20251111',
  'docker.io/rancher/klipper-lb:v0.4.13',
  'docker.io/rancher/local-path-provisioner:v0.0.32',
  'docker.io/rancher/mirrored-coredns-coredns:1.13.1',
  'docker.io/rancher/mirrored-library-busybox:1.36.1',
  'docker.io/rancher/mirrored-library-traefik:3.5.1',
  'docker.io/rancher/mirrored-metrics-server:v0.8.0',
  'docker.io/rancher/mirrored-pause:3.6',
];

export type ImageArchiveFormat = 'tar' | 'tar.gz' | 'tar.zst';

/** An image archive as `docker save` lays one out (manifest.json with RepoTags), holding `images`. */
export function imageArchive(images: string[], format: ImageArchiveFormat): Buffer {
  const manifest = images.map((tag) => ({ Config: `${createHash('sha256').update(tag).digest('hex')}.json`, RepoTags: [tag], Layers: [] }));
  const tar = tarArchive([{ name: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) }]);
  if (format === 'tar.gz') return gzipSync(tar);
  if (format === 'tar.zst') return zstdCompressSync(tar);
  return tar;
}

/**
 * The images an archive in /var/lib/rancher/k3s/agent/images holds, read the way k3s's preloadFile opens it (by
 * suffix: .tar, .tar.gz/.tgz, .tar.zst/.tzst); throws with the reader's error for anything else.
 */
export function imagesInArchive(fileName: string, content: Buffer): string[] {
  const lower = fileName.toLowerCase();
  let tar: Buffer;
  if (lower.endsWith('.tar')) tar = content;
  else if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) tar = gunzip(content);
  else if (lower.endsWith('.tar.zst') || lower.endsWith('.tzst')) tar = unzstd(content);
  else throw new Error(`unhandled file type ${fileName}`);
  const manifest = readTarArchive(tar).get('manifest.json');
  if (!manifest) throw new Error('ctr: image might be filtered out');
  return (JSON.parse(manifest.toString()) as Array<{ RepoTags?: string[] }>).flatMap((entry) => entry.RepoTags ?? []);
}

function gunzip(content: Buffer): Buffer {
  try {
    return gunzipSync(content);
  } catch {
    throw new Error('gzip: invalid header');
  }
}

function unzstd(content: Buffer): Buffer {
  try {
    return zstdDecompressSync(content);
  } catch {
    throw new Error('invalid input: magic number mismatch');
  }
}

/** The release's assets by file name (what its GitHub release page lists, for amd64). */
export function releaseAssets(version: string): Map<string, Buffer> {
  const assets = new Map<string, Buffer>();
  for (const format of ['tar', 'tar.gz', 'tar.zst'] as const) assets.set(`k3s-airgap-images-amd64.${format}`, imageArchive(AIRGAP_IMAGES, format));
  assets.set('k3s', k3sBinary(version));
  assets.set('k3s-images.txt', Buffer.from(AIRGAP_IMAGES.map((image) => `${image}\n`).join('')));
  assets.set('sha256sum-amd64.txt', Buffer.from(sha256Sums(assets)));
  return assets;
}

/** sha256sum's format, `<hex>  <name>`, in the order k3s's release file lists them. */
function sha256Sums(assets: Map<string, Buffer>): string {
  return [...assets].map(([name, content]) => `${createHash('sha256').update(content).digest('hex')}  ${name}\n`).join('');
}
