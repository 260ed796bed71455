import type { PhaseRecord } from '../progress/progress';

const ROW = 22;
const LABEL_WIDTH = 420;
const CHART_WIDTH = 460;
const MARGIN = 12;

/** Text as SVG shows it literally: markup characters as character references. */
export const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The run's phases as a Gantt-like picture: one bar per phase on a shared time axis, green when it ended well and
 * red when it failed, with its duration. Plain SVG, so the report shows it without any script.
 */
export function renderTimelineSvg(phases: PhaseRecord[], title: string): string {
  const start = Math.min(...phases.map((phase) => phase.startedAt));
  const end = Math.max(...phases.map((phase) => phase.endedAt));
  const span = Math.max(1, end - start);
  const x = (at: number) => LABEL_WIDTH + ((at - start) / span) * CHART_WIDTH;
  const height = MARGIN * 2 + ROW * (phases.length + 2);
  const rows = phases.map((phase, index) => {
    const y = MARGIN + ROW * (index + 1);
    const left = x(phase.startedAt);
    const width = Math.max(2, x(phase.endedAt) - left);
    const color = phase.outcome === 'done' ? '#2e9e5b' : '#d64545';
    return [
      `<text x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end">${escapeXml(phase.name)}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 8}" fill="${color}"><title>${escapeXml(phase.name)}: ${duration(phase.endedAt - phase.startedAt)}</title></rect>`,
      `<text x="${(left + width + 4).toFixed(1)}" y="${y + 14}" fill="#555">${duration(phase.endedAt - phase.startedAt)}</text>`,
    ].join('');
  });
  const axisY = MARGIN + ROW * (phases.length + 1) + 4;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH + CHART_WIDTH + 80}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="${MARGIN}" y="${MARGIN + 12}" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    `<line x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + CHART_WIDTH}" y2="${axisY}" stroke="#999"/>`,
    `<text x="${LABEL_WIDTH}" y="${axisY + 14}" fill="#555">0s</text>`,
    `<text x="${LABEL_WIDTH + CHART_WIDTH}" y="${axisY + 14}" fill="#555" text-anchor="end">${duration(span)}</text>`,
    '</svg>',
  ].join('\n');
}

function duration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}
