import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K3S_VERSION } from '../contracts/k3s-join';
import { K3S_INSTALL_SCRIPT } from './k3s-install-script';
import { imageArchive, releaseAssets } from './k3s-release-assets';

/** The files of an air-gapped k3s install, as k3s's docs and k3s-ansible's `airgap_dir` name them. */
export const AIRGAP_FILES = ['install.sh', 'k3s', 'k3s-airgap-images-amd64.tar.zst', 'sha256sum-amd64.txt'] as const;

/**
 * Besides k3s's own images, an air-gapped worker needs every image its pods run: the story's test pod is nginx:alpine,
 * which an operator adds as `docker save nginx:alpine -o nginx-alpine.tar` (k3s imports any archive in agent/images).
 */
export const STORY_IMAGE_ARCHIVE = 'nginx-alpine.tar';

/**
 * Writes an air-gap artifact set for `version` into `dir` (created if missing): install.sh, the k3s binary (mode
 * 755), the airgap images archive and the release's sha256sum-amd64.txt, byte for byte what the lab's GitHub serves
 * for that release. The sums file is the release's whole file: it also lists the .tar, .tar.gz and k3s-images.txt
 * the set leaves out (check with `sha256sum --ignore-missing -c`). Returns the paths written.
 */
export function writeAirgapArtifacts(dir: string, version = K3S_VERSION): Record<(typeof AIRGAP_FILES)[number], string> {
  mkdirSync(dir, { recursive: true });
  const assets = releaseAssets(version);
  const contents: Record<(typeof AIRGAP_FILES)[number], Buffer> = {
    'install.sh': Buffer.from(K3S_INSTALL_SCRIPT),
    k3s: assets.get('k3s')!,
    'k3s-airgap-images-amd64.tar.zst': assets.get('k3s-airgap-images-amd64.tar.zst')!,
    'sha256sum-amd64.txt': assets.get('sha256sum-amd64.txt')!,
  };
  writeFileSync(join(dir, STORY_IMAGE_ARCHIVE), imageArchive(['docker.io/library/nginx:alpine'], 'tar'));
  const paths = {} as Record<(typeof AIRGAP_FILES)[number], string>;
  for (const name of AIRGAP_FILES) {
    const path = join(dir, name);
    writeFileSync(path, contents[name]);
    chmodSync(path, name === 'k3s' || name === 'install.sh' ? 0o755 : 0o644);
    paths[name] = path;
  }
  return paths;
}
