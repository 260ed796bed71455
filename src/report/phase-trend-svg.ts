import { axisTicks, formatDuration, tickLabel } from '../progress/durations';
import { STORY_PHASES, type RunPhases } from './phase-history';
import { escapeXml, textWidth } from './svg-text';

const PLOT_WIDTH = 520;
const PLOT_HEIGHT = 150;
const LEFT = 78;
// Room for the longest legend line: a phase's name and a duration in minutes.
const LEGEND = textWidth('agent installed 59 min 59 s') + 24;
const PANEL_GAP = 70;
const TOP = 74;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const RUNS_PER_PANEL = 30;

/** Which runs compare with each other: real systems, the embedded lab, the lab at another LAB_TIMING. */
export function runConditions(run: RunPhases): string {
  return run.conditions ?? (run.target === 'real' ? 'real systems' : 'embedded lab');
}

/**
 * How each story phase's duration moved over past runs (night over night, for the nightly job): one panel per kind
 * of run, since a lab phase takes milliseconds and a real one minutes, and the lab at LAB_TIMING=1 takes the time
 * real systems take. In a panel, one line per phase, runs oldest to newest; each point is one run's time in that
 * phase. The last run of the history is marked "this run".
 */
export function renderPhaseTrendSvg(runs: RunPhases[], title: string): string {
  const latest = runs.at(-1);
  const groups = new Map<string, RunPhases[]>();
  // This run's kind first, then the others by how recently they ran.
  for (const run of [...runs].reverse()) groups.set(runConditions(run), [run, ...(groups.get(runConditions(run)) ?? [])]);
  const panels = [...groups].map(([conditions, group], index) => renderPanel(conditions, group.slice(-RUNS_PER_PANEL), TOP + index * (PLOT_HEIGHT + PANEL_GAP), latest));
  const width = LEFT + PLOT_WIDTH + LEGEND;
  const height = TOP + groups.size * (PLOT_HEIGHT + PANEL_GAP);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="12" y="20" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="12" y="38" fill="#555">Each point is one run: the time it spent in that phase (retries added up). Kinds of run are drawn apart,</text>`,
    `<text x="12" y="52" fill="#555">since their durations do not compare.</text>`,
    ...panels,
    '</svg>',
  ].join('\n');
}

function renderPanel(conditions: string, runs: RunPhases[], top: number, latest: RunPhases | undefined): string {
  const maxMs = Math.max(1, ...runs.flatMap((run) => Object.values(run.phases)));
  const ticks = axisTicks(maxMs);
  const axisEnd = ticks.at(-1)!;
  const x = (index: number) => LEFT + (runs.length === 1 ? PLOT_WIDTH / 2 : (index / (runs.length - 1)) * PLOT_WIDTH);
  const y = (ms: number) => top + 22 + PLOT_HEIGHT - (ms / axisEnd) * PLOT_HEIGHT;
  const bottom = y(0);
  const grid = ticks.map((tick) => [
    `<line x1="${LEFT}" y1="${y(tick).toFixed(1)}" x2="${LEFT + PLOT_WIDTH}" y2="${y(tick).toFixed(1)}" stroke="${tick ? '#eee' : '#999'}"/>`,
    `<text x="${LEFT - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end" fill="#555">${tickLabel(tick)}</text>`,
  ].join(''));
  const series = STORY_PHASES.map(({ key }, index) => {
    const points = runs.flatMap((run, runIndex) => (run.phases[key] === undefined ? [] : [{ x: x(runIndex), y: y(run.phases[key]), ms: run.phases[key], at: run.at }]));
    if (!points.length) return '';
    const color = COLORS[index % COLORS.length];
    const last = runs.at(-1)!.phases[key];
    return [
      points.length > 1 ? `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((point) => `${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ')}"/>` : '',
      ...points.map((point) => `<circle cx="${point.x.toFixed(1)}" cy="${point.y.toFixed(1)}" r="3" fill="${color}"><title>${key}: ${formatDuration(point.ms)} (run of ${point.at.slice(0, 16).replace('T', ' ')})</title></circle>`),
      `<text x="${LEFT + PLOT_WIDTH + 14}" y="${top + 36 + index * 16}" fill="${color}">${key}${last === undefined ? '' : ` ${formatDuration(last)}`}</text>`,
    ].join('');
  });
  const thisRun = runs.at(-1) === latest ? `<text x="${x(runs.length - 1).toFixed(1)}" y="${top + 16}" text-anchor="end" fill="#333">this run ▾</text>` : '';
  const first = runs[0].at.slice(0, 16).replace('T', ' ');
  const lastAt = runs.at(-1)!.at.slice(0, 16).replace('T', ' ');
  return [
    `<text x="12" y="${top + 8}" font-weight="bold">${escapeXml(conditions)}: ${runs.length} run${runs.length === 1 ? '' : 's'}</text>`,
    thisRun,
    ...grid,
    `<line x1="${LEFT}" y1="${top + 22}" x2="${LEFT}" y2="${bottom}" stroke="#999"/>`,
    `<text x="14" y="${(top + 22 + PLOT_HEIGHT / 2).toFixed(1)}" fill="#555" transform="rotate(-90 14 ${(top + 22 + PLOT_HEIGHT / 2).toFixed(1)})" text-anchor="middle">time in phase</text>`,
    `<text x="${LEFT}" y="${bottom + 18}" fill="#555">${first}</text>`,
    `<text x="${LEFT + PLOT_WIDTH}" y="${bottom + 18}" text-anchor="end" fill="#555">${lastAt}</text>`,
    `<text x="${LEFT + PLOT_WIDTH / 2}" y="${bottom + 34}" text-anchor="middle" fill="#555">runs, oldest to newest</text>`,
    ...series,
  ].join('\n');
}

