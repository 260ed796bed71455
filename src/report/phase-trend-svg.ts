import { STORY_PHASES, type RunPhases } from './phase-history';
import { escapeXml } from './timeline-svg';

const WIDTH = 720;
const HEIGHT = 260;
const LEFT = 56;
const RIGHT = 150;
const TOP = 30;
const BOTTOM = 36;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/**
 * How each story phase's duration moved over the last runs (night over night, for the nightly job): one line per
 * phase, runs left to right, seconds up. A phase that slows down stands out without reading numbers.
 */
export function renderPhaseTrendSvg(runs: RunPhases[], title: string): string {
  const maxMs = Math.max(1000, ...runs.flatMap((run) => Object.values(run.phases)));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const x = (index: number) => LEFT + (runs.length === 1 ? plotWidth / 2 : (index / (runs.length - 1)) * plotWidth);
  const y = (ms: number) => TOP + plotHeight - (ms / maxMs) * plotHeight;
  const series = STORY_PHASES.map(({ key }, index) => {
    const points = runs.map((run, runIndex) => (run.phases[key] === undefined ? undefined : `${x(runIndex).toFixed(1)},${y(run.phases[key]).toFixed(1)}`)).filter(Boolean);
    if (!points.length) return '';
    const color = COLORS[index % COLORS.length];
    const last = runs.at(-1)!.phases[key];
    return [
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`,
      ...points.map((point) => `<circle cx="${point!.split(',')[0]}" cy="${point!.split(',')[1]}" r="3" fill="${color}"/>`),
      `<text x="${WIDTH - RIGHT + 8}" y="${TOP + 14 + index * 16}" fill="${color}">${key}${last === undefined ? '' : ` ${(last / 1000).toFixed(1)}s`}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<text x="${LEFT}" y="18" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${LEFT}" y1="${TOP + plotHeight}" x2="${LEFT + plotWidth}" y2="${TOP + plotHeight}" stroke="#999"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotHeight}" stroke="#999"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" fill="#555">${(maxMs / 1000).toFixed(1)}s</text>`,
    `<text x="${LEFT - 6}" y="${TOP + plotHeight}" text-anchor="end" fill="#555">0s</text>`,
    `<text x="${LEFT}" y="${HEIGHT - 12}" fill="#555">${runs[0]?.at.slice(0, 16).replace('T', ' ') ?? ''}</text>`,
    `<text x="${LEFT + plotWidth}" y="${HEIGHT - 12}" text-anchor="end" fill="#555">${runs.at(-1)?.at.slice(0, 16).replace('T', ' ') ?? ''} (${runs.length} runs)</text>`,
    ...series,
    '</svg>',
  ].join('\n');
}
