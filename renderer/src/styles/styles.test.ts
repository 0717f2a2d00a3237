/**
 * The stylesheets stay in one place and in one cascade: every sheet lives in styles/ and main.tsx
 * imports each of them (and nothing that is missing), tokens first; and no selector is given
 * different values in two sheets, where the later sheet would quietly win over the earlier one.
 */
import { describe, expect, it } from 'vitest';

const sheets = import.meta.glob<string>('./**/*.css', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const everySheet = Object.keys(import.meta.glob('../**/*.css'));
const mainSource = Object.values(
  import.meta.glob<string>('../main.tsx', { query: '?raw', import: 'default', eager: true }),
)[0]!;

/** The sheets main.tsx imports, in order, as paths relative to styles/ ("./base.css"). */
const imported = [...mainSource.matchAll(/^import '\.\/styles\/(.+\.css)';$/gm)].map(
  (m) => `./${m[1]}`,
);

interface Declaration {
  sheet: string;
  /** The at-rules around the rule, e.g. "@media (max-width: 1360px)"; "" at the top level. */
  context: string;
  selector: string;
  property: string;
  value: string;
}

/** Splits on commas outside parentheses and quotes (selector lists). */
function splitList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Every declaration of a stylesheet with its selector and at-rule context (keyframes left out). */
function declarations(sheet: string, css: string): Declaration[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const out: Declaration[] = [];
  const blocks: string[] = [];
  let buffer = '';
  const flush = (): void => {
    const colon = buffer.indexOf(':');
    const rule = blocks[blocks.length - 1];
    if (colon > 0 && rule !== undefined && !rule.startsWith('@')) {
      const outer = blocks.slice(0, -1);
      if (!outer.some((b) => b.startsWith('@keyframes'))) {
        const property = buffer.slice(0, colon).trim().toLowerCase();
        const value = buffer
          .slice(colon + 1)
          .replace(/\s+/g, ' ')
          .trim();
        for (const selector of splitList(rule))
          out.push({ sheet, context: outer.join(' '), selector, property, value });
      }
    }
    buffer = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      buffer += text.slice(i, end + 1);
      i = end;
    } else if (c === '{') {
      blocks.push(buffer.replace(/\s+/g, ' ').trim());
      buffer = '';
    } else if (c === '}') {
      flush();
      blocks.pop();
    } else if (c === ';') flush();
    else buffer += c;
  }
  return out;
}

/** Two properties that set the same thing: equal, or a shorthand and one of its parts. */
function overlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`);
}

/**
 * Selectors given different values for the same property in two sheets (same at-rule context):
 * "sheet-a: .x { color: red } / sheet-b: .x { color: blue }".
 */
function conflicts(all: Record<string, string>): string[] {
  const bySelector = new Map<string, Declaration[]>();
  for (const [sheet, css] of Object.entries(all))
    for (const d of declarations(sheet, css)) {
      const key = `${d.context}|${d.selector}`;
      bySelector.set(key, [...(bySelector.get(key) ?? []), d]);
    }
  const found: string[] = [];
  for (const list of bySelector.values())
    for (const a of list)
      for (const b of list)
        if (a.sheet < b.sheet && overlap(a.property, b.property) && a.value !== b.value)
          found.push(
            `${a.sheet}: ${a.selector} { ${a.property}: ${a.value} } / ` +
              `${b.sheet}: ${b.selector} { ${b.property}: ${b.value} }`,
          );
  return found;
}

describe('stylesheets', () => {
  it('live in styles/ only', () => {
    expect(everySheet.filter((f) => !f.startsWith('./'))).toEqual([]);
  });

  it('are all imported by main.tsx, tokens first, and every import exists', () => {
    expect(imported.slice(0, 3)).toEqual(['./tokens.css', './base.css', './shell.css']);
    expect(imported.filter((f) => !(f in sheets))).toEqual([]);
    expect(Object.keys(sheets).filter((f) => !imported.includes(f))).toEqual([]);
    expect(new Set(imported).size).toBe(imported.length);
  });

  it('give no selector different values in two sheets', () => {
    expect(conflicts(sheets)).toEqual([]);
  });

  it('find such a selector, also through a shorthand, but not across at-rules', () => {
    const found = conflicts({
      'a.css': '.x { color: red; padding: 0 } @media (width > 1px) { .y { margin: 0 } }',
      'b.css': '/* .x */ .z, .x { color: blue; padding-left: 2px } .y { margin: 1px }',
    });
    expect(found).toEqual([
      'a.css: .x { color: red } / b.css: .x { color: blue }',
      'a.css: .x { padding: 0 } / b.css: .x { padding-left: 2px }',
    ]);
  });
});
