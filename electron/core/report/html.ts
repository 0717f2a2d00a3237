/** Escaping for text and attribute values written into the report's HTML and SVG. Pure. */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a double- or single-quoted attribute. */
export function esc(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A number for SVG coordinates: at most 2 decimals, no exponent. */
export function coord(v: number): string {
  return String(Math.round(v * 100) / 100);
}
