import { randomInt } from 'node:crypto';

// apimachinery's rand.String alphabet: no vowels (no accidental words) and no confusable characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** generateName + 5 random characters, as the apiserver's names.SimpleNameGenerator does. */
export function generatedName(prefix: string): string {
  return `${prefix.slice(0, 63 - 5)}${randomSuffix()}`;
}

/** A ReplicaSet-style pod name: `<deployment>-<pod-template-hash>-<suffix>`. */
export function replicaSetPodName(deployment: string): string {
  return `${deployment}-${randomSuffix(9)}-${randomSuffix()}`;
}

export function hex(length: number): string {
  return Array.from({ length }, () => '0123456789abcdef'[randomInt(16)]).join('');
}
