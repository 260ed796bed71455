/** Text as SVG shows it literally: markup characters as character references. */
export const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * How wide a line of 12px sans-serif text will be, erring wide (0.62 em a character, where Latin text averages about
 * 0.55), so the pictures make room for their labels instead of cutting them off.
 */
export function textWidth(text: string, fontSize = 12): number {
  return Math.ceil([...text].length * fontSize * 0.62);
}
