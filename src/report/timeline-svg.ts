import type { PhaseRecord } from '../progress/progress';
import { axisTicks, formatDuration, tickLabel } from '../progress/durations';
import { escapeXml, textWidth } from './svg-text';

const ROW = 22;
const CHART_WIDTH = 400;
const MARGIN = 12;
const GAP = 10;
const CAPTION = 'time since the first phase began; green ended well, red failed, orange was interrupted';
const COLORS: Record<PhaseRecord['outcome'], string> = { done: '#2e9e5b', failed: '#d64545', interrupted: '#e69f00' };

/**
 * The run's phases as a Gantt-like picture: one bar per phase on a shared time axis, green when it ended well, red
 * when it failed and orange when the run was interrupted in it, with its duration in the unit that fits. The picture
 * is as wide as its longest label needs, so no label is cut. Plain SVG, so the report shows it without any script.
 */
export function renderTimelineSvg(phases: PhaseRecord[], title: string): string {
  const start = Math.min(...phases.map((phase) => phase.startedAt));
  const span = Math.max(1, Math.max(...phases.map((phase) => phase.endedAt)) - start);
  const ticks = axisTicks(span);
  const axisEnd = ticks.at(-1)!;
  const labelWidth = Math.max(...phases.map((phase) => textWidth(phase.name))) + GAP;
  const durationWidth = Math.max(...phases.map((phase) => textWidth(formatDuration(phase.endedAt - phase.startedAt)))) + GAP;
  const left = MARGIN + labelWidth;
  const width = Math.max(left + CHART_WIDTH + durationWidth + MARGIN, textWidth(title, 13) + 2 * MARGIN, left + textWidth(CAPTION) + MARGIN);
  const x = (at: number) => left + ((at - start) / axisEnd) * CHART_WIDTH;
  const rows = phases.map((phase, index) => {
    const y = MARGIN + ROW * (index + 1.5);
    const bar = x(phase.startedAt);
    const barWidth = Math.max(2, x(phase.endedAt) - bar);
    const color = COLORS[phase.outcome];
    const took = formatDuration(phase.endedAt - phase.startedAt);
    return [
      `<text x="${left - GAP}" y="${y + 14}" text-anchor="end">${escapeXml(phase.name)}</text>`,
      `<rect x="${bar.toFixed(1)}" y="${y + 3}" width="${barWidth.toFixed(1)}" height="${ROW - 8}" fill="${color}"><title>${escapeXml(phase.name)}: ${took}${phase.outcome === 'done' ? '' : ` (${phase.outcome})`}</title></rect>`,
      `<text x="${(bar + barWidth + 4).toFixed(1)}" y="${y + 14}" fill="#555">${took}</text>`,
    ].join('');
  });
  const axisY = MARGIN + ROW * (phases.length + 1.5) + 4;
  const tickMarks = ticks.map((tick) => {
    const at = x(start + tick).toFixed(1);
    return `<line x1="${at}" y1="${axisY}" x2="${at}" y2="${axisY + 4}" stroke="#999"/><text x="${at}" y="${axisY + 16}" fill="#555" text-anchor="middle">${tickLabel(tick)}</text>`;
  });
  const height = axisY + 44;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="${MARGIN}" y="${MARGIN + 12}" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    `<line x1="${left}" y1="${axisY}" x2="${left + CHART_WIDTH}" y2="${axisY}" stroke="#999"/>`,
    ...tickMarks,
    `<text x="${left}" y="${axisY + 34}" fill="#555">${CAPTION}</text>`,
    '</svg>',
  ].join('\n');
}
