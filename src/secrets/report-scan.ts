import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A secret found in a report file, named without repeating it. */
export interface Leak {
  file: string;
  /** "secret of 36 characters, sha256 3f2a1c…": enough to tell which, nothing to reuse. */
  secret: string;
}

/**
 * Reads every file under `dir` and reports each registered secret found in it. Files the operator asked the lab to
 * write (`skip`), such as the standalone lab's own credentials, are left out.
 */
export function findLeaks(dir: string, secrets: readonly string[], skip: (path: string) => boolean = () => false): Leak[] {
  const leaks: Leak[] = [];
  for (const file of filesUnder(dir)) {
    const path = relative(dir, file);
    if (skip(path)) continue;
    const content = readFileSync(file).toString('latin1');
    for (const secret of secrets) {
      if (content.includes(Buffer.from(secret, 'utf8').toString('latin1'))) leaks.push({ file: path, secret: describeSecret(secret) });
    }
  }
  return leaks;
}

/** What the standalone lab writes on purpose (`npm run lab`): its credentials are for the operator's own use. */
export function isLabCredentialFile(path: string): boolean {
  return path === 'lab.env' || path.startsWith(`lab/`) || path.startsWith('lab\\');
}

function describeSecret(secret: string): string {
  return `secret of ${secret.length} characters, sha256 ${createHash('sha256').update(secret).digest('hex').slice(0, 12)}…`;
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
