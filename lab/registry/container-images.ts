import { createHash } from 'node:crypto';

/** `nginx:alpine` -> `docker.io/library/nginx:alpine`, as containerd resolves short names. */
export function fullImageName(image: string): string {
  let name = image;
  const firstPart = name.split('/')[0];
  if (!name.includes('/')) name = `docker.io/library/${name}`;
  else if (!firstPart.includes('.') && !firstPart.includes(':') && firstPart !== 'localhost') name = `docker.io/${name}`;
  const last = name.split('/').pop()!;
  return last.includes(':') || last.includes('@') ? name : `${name}:latest`;
}

/** A stable digest per image, so imageID reads like `docker.io/library/nginx@sha256:...`. */
export function imageId(image: string): string {
  const full = fullImageName(image);
  const repository = full.replace(/:[^:/]+$/, '');
  return `${repository}@sha256:${createHash('sha256').update(full).digest('hex')}`;
}

const SIZES: Record<string, number> = {
  'docker.io/library/nginx:alpine': 20991872,
  'docker.io/library/nginx:latest': 72223946,
  'docker.io/library/busybox:latest': 2167089,
  'registry.k8s.io/pause:3.10': 320368,
  'docker.io/rancher/mirrored-pause:3.6': 301463,
  'docker.io/rancher/klipper-lb:v0.4.13': 4883145,
};

export function imageSize(image: string): number {
  return SIZES[fullImageName(image)] ?? 10_485_760;
}
