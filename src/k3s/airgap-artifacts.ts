import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InputProblem } from '../errors';

/** The files of an air-gapped agent install, as k3s's release publishes them (k3s-ansible calls the folder airgap_dir). */
export interface AirgapArtifacts {
  dir: string;
  installScript: string;
  binary: string;
  /**
   * Image archives imported by the agent at start (k3s-airgap-images-amd64.tar.zst, and any other .tar, .tar.gz or
   * .tar.zst there, such as the story's test pod image), so pulls need no registry.
   */
  imageArchives: string[];
  /** The k3s release the binary is, read from it before anything is installed. */
  version: string;
}

// What k3s's preloadImages imports from agent/images (pkg/agent/containerd: by suffix).
const IMAGE_ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.zst|tzst)$/;
const SUMS = 'sha256sum-amd64.txt';
// The release is linked into the binary (pkg/version.Version); it is the version string the binary repeats most.
const RELEASE = /v\d+\.\d+\.\d+\+k3s\d+/g;

/**
 * Reads K3S_AIRGAP_DIR before anything is created: install.sh and k3s must be there, images may be; with the sums
 * file every artifact's sha256 must match it; and the binary must say which release it is, so the skew policy can be
 * checked before it is installed.
 */
export function readAirgapDir(dir: string): { artifacts?: AirgapArtifacts; problems: InputProblem[] } {
  const input = `K3S_AIRGAP_DIR "${dir}"`;
  const problems: InputProblem[] = [];
  const fix = 'copy the release\'s install.sh, k3s (amd64), k3s-airgap-images-amd64.tar.zst and sha256sum-amd64.txt into it, from https://github.com/k3s-io/k3s/releases on a machine with internet';
  const installScript = join(dir, 'install.sh');
  const binary = join(dir, 'k3s');
  for (const file of [installScript, binary]) if (!existsSync(file)) problems.push({ input, problem: `has no ${file.slice(dir.length + 1)}`, fix });
  if (problems.length) return { problems };
  const imageArchives = readdirSync(dir).filter((name) => IMAGE_ARCHIVE.test(name)).sort().map((name) => join(dir, name));
  const sums = join(dir, SUMS);
  if (existsSync(sums)) problems.push(...checkSums(input, readFileSync(sums, 'utf8'), [binary, ...imageArchives]));
  const version = mostFrequent(readFileSync(binary).toString('latin1').match(RELEASE) ?? []);
  if (!version) problems.push({ input, problem: 'holds a k3s that names no k3s release (not a k3s binary?)', fix });
  if (problems.length || !version) return { problems };
  return { artifacts: { dir, installScript, binary, imageArchives, version }, problems };
}

function checkSums(input: string, sums: string, files: string[]): InputProblem[] {
  const expected = new Map(sums.split('\n').map((line) => line.trim().split(/\s+\*?/)).filter((parts) => parts.length === 2).map(([hash, name]) => [name, hash]));
  return files.flatMap((file) => {
    const name = file.replace(/.*\//, '');
    const want = expected.get(name);
    if (!want) return [];
    const have = createHash('sha256').update(readFileSync(file)).digest('hex');
    return have === want ? [] : [{ input, problem: `has a ${name} whose sha256 ${have.slice(0, 12)}… is not the ${want.slice(0, 12)}… in ${SUMS}`, fix: 'download it again from the same release as the sums file' }];
  });
}

function mostFrequent(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
