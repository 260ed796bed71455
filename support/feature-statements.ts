import type { GherkinDocument, Pickle } from '@cucumber/messages';

/**
 * The step texts of every scenario that builds the same worker as `pickle`: the feature's plain scenarios share its
 * Background's worker, while an outline's example row builds its own. The preflight reads their stated values against
 * the table, so a criterion that disagrees stops the story before its first scenario creates anything.
 */
export function storyStatements(document: GherkinDocument, pickle: Pickle): string[] {
  const own = pickle.steps.map((step) => step.text);
  // A pickle of an outline names its example row after its scenario.
  if (pickle.astNodeIds.length > 1) return own;
  const plain = (document.feature?.children ?? [])
    .flatMap((child) => (child.rule ? child.rule.children : [child]))
    .flatMap((child) => (child.scenario && child.scenario.examples.length === 0 ? child.scenario.steps : []))
    .map((step) => step.text);
  return [...new Set([...plain, ...own])];
}
