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
  'docker.io/rancher/klipper-helm:v0.9.12-build20251215': 62468221,
  'docker.io/rancher/local-path-provisioner:v0.0.32': 19792393,
  'docker.io/rancher/mirrored-coredns-coredns:1.13.1': 22389012,
  'docker.io/rancher/mirrored-library-busybox:1.37.0': 2156518,
  'docker.io/rancher/mirrored-library-traefik:3.5.1': 47985712,
  'docker.io/rancher/mirrored-metrics-server:v0.8.0': 19560181,
};

export function imageSize(image: string): number {
  return SIZES[fullImageName(image)] ?? 10_485_760;
}
