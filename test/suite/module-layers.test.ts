import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(__dirname, '..', '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file, resolved to paths under the project. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import[^'"]*from '(\.[^']+)'/gm), ...text.matchAll(/import\('(\.[^']+)'\)/g)].map((match) => resolve(dirname(file), match[1]));
}

/** src's folders as a graph: which folder imports which. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split('/')[0];
    for (const target of importsOf(file)) {
      const to = relative(src, target).split('/')[0];
      if (to.startsWith('..') || to === from || to.endsWith('.ts')) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === 'done') return undefined;
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the library\'s layers (src/)', () => {
  it('has no cycle between its folders: each depends one way only', () => {
    assert.equal(findCycle(folderGraph())?.join(' -> '), undefined);
  });

  it('imports nothing from the lab, the steps or the support code, which sit above it', () => {
    const upward = sourceFiles(src).flatMap((file) => importsOf(file).filter((target) => !target.startsWith(src) && !target.endsWith('package.json')).map((target) => `${relative(root, file)} -> ${relative(root, target)}`));
    assert.deepEqual(upward, []);
  });
});
