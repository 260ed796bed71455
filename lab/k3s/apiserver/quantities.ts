/** Resource quantities as Kubernetes writes them (k8s.io/apimachinery/pkg/api/resource): `100m`, `70Mi`, `2`, `1G`. */
const SUFFIXES: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export class QuantityError extends Error {
  constructor(readonly text: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got "${text}"`);
  }
}

/** The quantity's value in base units (cores for cpu, bytes for memory). */
export function parseQuantity(text: string | number): number {
  if (typeof text === 'number') return text;
  const match = /^([+-]?[0-9.]+)(n|u|m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E|[eE][-+]?[0-9]+)?$/.exec(text.trim());
  if (!match) throw new QuantityError(text);
  const [, number, suffix = ''] = match;
  if (/^[eE]/.test(suffix)) return Number(number + suffix);
  return Number(number) * SUFFIXES[suffix];
}

export const milliCores = (text: string | number | undefined): number => (text === undefined ? 0 : Math.round(parseQuantity(text) * 1000));
export const bytes = (text: string | number | undefined): number => (text === undefined ? 0 : Math.round(parseQuantity(text)));
