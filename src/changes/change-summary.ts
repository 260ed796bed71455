import type { ChangeEntry } from './change-record';

const IRREGULAR_PAST: Record<string, string> = { stop: 'stopped', drain: 'drained', patch: 'patched' };

function past(verb: string): string {
  return IRREGULAR_PAST[verb] ?? (verb.endsWith('e') ? `${verb}d` : `${verb}ed`);
}

/** "created, configured and started" */
function verbList(verbs: string[]): string {
  const words = verbs.map(past);
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

interface Phrase {
  verbs: string[];
  render: (verbs: string[]) => string;
}

/**
 * The run's changes in one line for the report's overview, as an operator would say them: what happened to each
 * container, what was installed, and how many pods came and went.
 * "created, configured and started CT 102 on pve, installed k3s agent v1.34.3+k3s1 on worker k3s-worker-01,
 * created and deleted 1 pod". Changes whose outcome is not known to be done are counted at the end.
 */
export function summarizeChanges(entries: readonly ChangeEntry[]): string {
  if (!entries.length) return 'no changes';
  const phrases = new Map<string, Phrase>();
  const add = (key: string, verb: string, render: Phrase['render']) => {
    const phrase = phrases.get(key) ?? { verbs: [], render };
    if (!phrase.verbs.includes(verb)) phrase.verbs.push(verb);
    phrases.set(key, phrase);
  };
  for (const entry of entries) {
    const container = /^CT (\d+)/.exec(entry.target);
    const kind = entry.system === 'kubernetes' ? entry.target.split(' ')[0] : undefined;
    if (container) {
      const node = entries.map((other) => new RegExp(`^CT ${container[1]}\\b.* on (\\S+)$`).exec(other.target)?.[1]).find(Boolean);
      add(`CT ${container[1]}`, entry.action, (verbs) => `${verbList(verbs)} CT ${container[1]}${node ? ` on ${node}` : ''}`);
    } else if (kind) {
      add(`kubernetes ${kind}`, entry.action, (verbs) => kubernetesPhrase(entries, kind, verbs));
    } else {
      add(`${entry.action} ${entry.target}`, entry.action, () => `${past(entry.action)} ${entry.target}`);
    }
  }
  const unsure = entries.filter((entry) => entry.outcome !== 'done').length;
  const line = [...phrases.values()].map((phrase) => phrase.render(phrase.verbs)).join(', ');
  return unsure ? `${line} (${unsure} not known to have taken effect: see the runbook)` : line;
}

/** Pods are counted; a node or secret the run touched once is named. */
function kubernetesPhrase(entries: readonly ChangeEntry[], kind: string, verbs: string[]): string {
  const targets = (verb: string) => new Set(entries.filter((entry) => entry.action === verb && entry.target.split(' ')[0] === kind).map((entry) => entry.target));
  const counts = verbs.map((verb) => targets(verb).size);
  const all = new Set(verbs.flatMap((verb) => [...targets(verb)]));
  if (kind !== 'pod' && all.size === 1) return `${verbList(verbs)} ${[...all][0]}`;
  const noun = (count: number) => `${count} ${kind}${count === 1 ? '' : 's'}`;
  if (counts.every((count) => count === counts[0])) return `${verbList(verbs)} ${noun(counts[0])}`;
  return verbs.map((verb, index) => `${past(verb)} ${noun(counts[index])}`).join(', ');
}
