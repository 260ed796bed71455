import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Client } from 'ssh2';
import { startLab, type RunningLab } from '../../../lab';
import { run, sshAsRoot } from './ssh-client';
import { apiClient, type ApiAnswer, type TestNode } from './test-node';

export interface StoryLab {
  lab: RunningLab;
  /** The endpoint node's API with the lab's own token (lab.env PROXMOX_VE_API_TOKEN). */
  api(path: string, init?: Parameters<TestNode['api']>[1]): Promise<ApiAnswer>;
  /** A command in the endpoint node's root shell, over SSH with the operator's key. */
  onHost(command: string): ReturnType<typeof run>;
}

/** The whole embedded lab (as the suite gets it) for the tests of one describe block: started before them, stopped after. */
export function useStoryLab(): StoryLab {
  let stateDir: string;
  let client: ReturnType<typeof apiClient>;
  let root: Client;
  const env = {
    api: (path, init = {}) => client.api(path, { token: env.lab.env.PROXMOX_VE_API_TOKEN, ...init }),
    onHost: (command) => run(root, command),
  } as StoryLab;
  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'story-lab-'));
    env.lab = await startLab({ stateDir });
    client = apiClient(env.lab.proxmox);
    root = await sshAsRoot({ node: env.lab.proxmox, operatorKey: { private: readFileSync(env.lab.env.PROXMOX_VE_SSH_PRIVATE_KEY_FILE, 'utf8') } });
  });
  after(async () => {
    root?.end();
    await client?.close();
    await env.lab?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return env;
}
