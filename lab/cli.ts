import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLab } from '.';
import { armFault, FAULT_SWITCHES } from './fault-switches';
import { LAB_SETTINGS, labOptionsFromArgs } from './lab-settings';

/**
 * `npm run lab`: the embedded lab as a standalone process. Once ready it writes reports/lab.env (KEY=value lines the
 * real profile reads) and runs until Ctrl-C or SIGTERM, then stops cleanly.
 *   --out <dir>       where lab.env and the lab's files go (default: reports)
 *   --fault <name>    arm a named fault switch (repeatable; lab/fault-switches.ts, `--fault list` lists them)
 *   --help            lists these and the lab's settings (lab/lab-settings.ts: --timing, ...)
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function options(name: string): string[] {
  return process.argv.flatMap((arg, index) => (arg === `--${name}` && process.argv[index + 1] ? [process.argv[index + 1]] : []));
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('npm run lab -- [--out DIR] [--fault NAME ...] [settings]\n\nsettings (flag, embedded-lab variable, values):');
    for (const setting of LAB_SETTINGS) console.log(`  --${setting.flag.padEnd(22)} ${setting.env.padEnd(24)} ${setting.help}${setting.repeatable ? ' (repeatable)' : ''}`);
    return;
  }
  const faults = options('fault');
  if (faults.includes('list')) {
    for (const [name, fault] of Object.entries(FAULT_SWITCHES)) console.log(`${name.padEnd(30)} ${fault.description}`);
    return;
  }
  const unknown = faults.filter((name) => !FAULT_SWITCHES[name]);
  if (unknown.length) throw new Error(`unknown fault ${unknown.join(', ')}; \`npm run lab -- --fault list\` lists them`);
  const outDir = resolve(option('out', 'reports'));
  const stateDir = resolve(outDir, 'lab');
  mkdirSync(stateDir, { recursive: true });
  const labOptions = labOptionsFromArgs(process.argv.slice(2), process.env, stateDir);
  const timingScale = labOptions.timingScale ?? 0;
  const lab = await startLab(labOptions);
  for (const name of faults) await armFault(lab, name);
  if (faults.length) console.log(`faults armed: ${faults.join(', ')}`);
  const envFile = resolve(outDir, 'lab.env');
  writeFileSync(envFile, Object.entries(lab.env).map(([key, value]) => `${key}=${value}`).join('\n') + '\n', { mode: 0o600 });
  const nodes = lab.proxmoxNodes.map((node) => `${node.nodeName} SSH 127.0.0.1:${node.sshPort}`).join(', ');
  console.log(`k3s lab ready (timing ${timingScale}): Proxmox API ${lab.env.PROXMOX_VE_ENDPOINT} (${nodes}), k3s ${lab.env.K3S_URL}`);
  console.log(`variables for --profile real: ${envFile}   (set -a; . ${envFile}; set +a)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the lab`);
    await lab.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`the lab could not start: ${error.message}`);
  process.exit(1);
});
