import { after, before } from 'node:test';
import type { Client } from 'ssh2';
import { sshAsRoot } from './ssh-client';
import { startTestNode, type TestNode } from './test-node';

/**
 * A test node and a root SSH session on it for the tests of one describe block: started before them, closed after.
 * `prepare` runs once both are up (e.g. a container the tests need).
 */
export function useNodeWithRoot(prepare?: (env: { t: TestNode; root: Client }) => Promise<void>): { t: TestNode; root: Client } {
  const env = {} as { t: TestNode; root: Client };
  before(async () => {
    env.t = await startTestNode();
    env.root = await sshAsRoot(env.t);
    await prepare?.(env);
  });
  after(async () => {
    env.root?.end();
    await env.t?.stop();
  });
  return env;
}
