import { imagesInArchive } from '../net/k3s-release-assets';
import { fullImageName } from '../registry/container-images';
import type { GuestView } from './guest-view';
import { goDuration } from './journal';

export const AGENT_IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';

/**
 * What k3s does with /var/lib/rancher/k3s/agent/images once containerd runs (pkg/agent/containerd preloadImages):
 * every file is imported into containerd's store in name order, logging `Imported images from <path> in <duration>`,
 * or `Error encountered while importing <path>: <err>` and going on. Imported images need no pull afterwards.
 * Pre-pull lists (*.txt) are not acted on by the lab.
 */
export async function importAgentImages(view: GuestView, log: (level: 'info' | 'error', message: string) => void, signal: AbortSignal): Promise<void> {
  if (!(await view.fs.exists(AGENT_IMAGES_DIR))) return;
  for (const name of (await view.fs.readdir(AGENT_IMAGES_DIR)).sort()) {
    const path = `${AGENT_IMAGES_DIR}/${name}`;
    if ((await view.fs.stat(path)).isDirectory || name.toLowerCase().endsWith('.txt')) continue;
    const started = performance.now();
    let images: string[];
    try {
      images = imagesInArchive(name, Buffer.from(await view.fs.readFileBuffer(path)));
    } catch (error) {
      log('error', `Error encountered while importing ${path}: ${(error as Error).message}`);
      continue;
    }
    // Unpacking a real airgap tarball into containerd's store takes a few seconds.
    await view.timing.wait(4000, signal);
    for (const image of images) view.images.add(fullImageName(image));
    log('info', `Imported images from ${path} in ${goDuration(performance.now() - started)}`);
  }
}
