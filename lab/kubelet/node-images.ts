import { fullImageName, imageId, imageSize } from '../registry/container-images';

/** One entry of a Node's status.images, as the kubelet's image setter reports it. */
export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

/**
 * The images a node's containerd holds, as its kubelet puts them in status.images (pkg/kubelet/nodestatus
 * Images): digest name and tag name, the biggest first, at most 50 (nodeStatusMaxImages). The scheduler's
 * ImageLocality reads them.
 */
export function nodeImages(pulled: Iterable<string>): NodeImage[] {
  return [...new Set([...pulled].map(fullImageName))]
    .map((name) => ({ names: [imageId(name), name], sizeBytes: imageSize(name) }))
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, 50);
}
