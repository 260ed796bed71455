import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts `text` to fit in `columns` terminal cells, counting cells as the terminal does (an emoji such as ⏳ and East
 * Asian wide characters take two, combining marks none), ending a cut line with `…`. A live line that fits never
 * wraps, so rewriting it never leaves a row behind.
 */
export function fitToWidth(text: string, columns: number): string {
  if (stringWidth(text) <= columns) return text;
  let fitted = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const width = stringWidth(segment);
    if (used + width > columns - 1) break;
    fitted += segment;
    used += width;
  }
  return `${fitted}…`;
}

export { stringWidth as displayWidth };
