import type { InputProblem } from '../errors';
import { parseHostPort } from './ipv4';
import { parseStorySize } from './sizes';
import type { WorkerSpec } from './worker-spec';

/**
 * The criteria's steps that state values of their own ("4 vCPU, 8GB RAM, 50GB disk at 192.168.2.21"): the step
 * definitions match them with these patterns, and the preflight reads every such step of the feature against the
 * specification table, so a step that disagrees with the table stops the story before anything is created.
 */
export const CREATE_CONTAINER_STEP = /^I create an LXC container with (\d+) vCPU, (\S+) RAM, (\S+) disk at (\S+)$/;
export const REACH_CONTROL_PLANE_STEP = /^the worker container is running and can reach the control plane \((\S+)\)$/;
export const NODE_READY_STEP = /^`kubectl get nodes` shows (\S+) as Ready$/;

/** Every stated value of these step texts that differs from the specification, as input problems. */
export function statementProblems(spec: WorkerSpec, stepTexts: readonly string[]): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const text of new Set(stepTexts)) {
    const create = CREATE_CONTAINER_STEP.exec(text);
    if (create) problems.push(...containerStatementProblems(spec, { cores: Number(create[1]), memory: create[2], disk: create[3], ip: create[4] }));
    const reach = REACH_CONTROL_PLANE_STEP.exec(text);
    if (reach) problems.push(...controlPlaneStatementProblems(spec, reach[1]));
    const ready = NODE_READY_STEP.exec(text);
    if (ready && ready[1] !== spec.hostname) problems.push(mismatch(`step "${text}"`, `names node ${ready[1]}`, `hostname ${spec.hostname}`));
  }
  return problems;
}

/** AC1's When: its figures against the table. */
export function containerStatementProblems(spec: WorkerSpec, stated: { cores: number; memory: string; disk: string; ip: string }): InputProblem[] {
  const problems: InputProblem[] = [];
  const memory = parseStorySize(stated.memory);
  const disk = parseStorySize(stated.disk);
  if (stated.cores !== spec.cores) problems.push(mismatch(`${stated.cores} vCPU`, 'in the step', `cores ${spec.cores}`));
  if (!memory.ok) problems.push({ input: `RAM "${stated.memory}"`, problem: memory.problem, fix: memory.fix });
  else if (memory.mib !== spec.memoryMiB) problems.push(mismatch(`${stated.memory} RAM`, 'in the step', `memory ${spec.fields.memory ?? `${spec.memoryMiB} MiB`}`));
  if (!disk.ok) problems.push({ input: `disk "${stated.disk}"`, problem: disk.problem, fix: disk.fix });
  else if (disk.mib !== spec.diskGiB * 1024) problems.push(mismatch(`${stated.disk} disk`, 'in the step', `disk ${spec.fields.disk ?? `${spec.diskGiB} GiB`}`));
  if (stated.ip !== spec.ip) problems.push(mismatch(`address ${stated.ip}`, 'in the step', `address ${spec.ip}/${spec.prefix}`));
  return problems;
}

/** AC2's Given: the control plane it names against the table. */
export function controlPlaneStatementProblems(spec: WorkerSpec, stated: string): InputProblem[] {
  const parsed = parseHostPort(stated);
  const { host, port } = spec.controlPlane;
  if (parsed && parsed.host === host && parsed.port === port) return [];
  return [mismatch(`control plane (${stated})`, 'in the step', `control plane ${host}:${port}`)];
}

function mismatch(input: string, where: string, specValue: string): InputProblem {
  return { input, problem: `${where} differs from the specification table (${specValue})`, fix: 'make the step and the table agree: the table is what gets built' };
}
