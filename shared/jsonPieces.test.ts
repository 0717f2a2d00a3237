import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonPieceError, JsonPieceReader, assemblePiece, type JsonPiece } from './jsonPieces';

/** Reads `text` in the given chunk sizes (cycled) and rebuilds the object. */
function readInChunks(
  text: string,
  sizes: number[],
): { value: Record<string, unknown>; pieces: JsonPiece[] } {
  const value: Record<string, unknown> = {};
  const pieces: JsonPiece[] = [];
  const reader = new JsonPieceReader((p) => {
    pieces.push(p);
    assemblePiece(value, p);
  });
  let at = 0;
  for (let k = 0; at < text.length; k++) {
    const size = Math.max(1, sizes[k % sizes.length] ?? 1);
    reader.push(text.slice(at, at + size));
    at += size;
  }
  reader.end();
  return { value, pieces };
}

/** What JSON.parse says of a document: the object, or null when it is not a JSON object. */
function parsedObject(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

describe('JsonPieceReader', () => {
  it('gives members and array elements one by one, in order', () => {
    const { pieces } = readInChunks(
      '{"format":"x","sources":[{"id":1},[2,"]"],"}"],"empty":[],"n":-1.5e3 }',
      [3],
    );
    expect(pieces).toEqual([
      { type: 'member', key: 'format', value: 'x' },
      { type: 'arrayStart', key: 'sources' },
      { type: 'element', key: 'sources', index: 0, value: { id: 1 } },
      { type: 'element', key: 'sources', index: 1, value: [2, ']'] },
      { type: 'element', key: 'sources', index: 2, value: '}' },
      { type: 'arrayStart', key: 'empty' },
      { type: 'member', key: 'n', value: -1500 },
    ]);
  });

  it('keeps a __proto__ key as data, as JSON.parse does', () => {
    const { value } = readInChunks('{"__proto__":{"polluted":true},"a":[1]}', [5]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(value)).toBe(
      JSON.stringify(JSON.parse('{"__proto__":{"polluted":true},"a":[1]}')),
    );
  });

  it('refuses one value longer than the limit, wherever the chunks split it', () => {
    const pieces: JsonPiece[] = [];
    const reader = new JsonPieceReader((p) => pieces.push(p), 20);
    const text = `{"ok":[1,"${'x'.repeat(10)}"],"big":"${'y'.repeat(30)}"}`;
    expect(() => {
      for (let i = 0; i < text.length; i += 6) reader.push(text.slice(i, i + 6));
    }).toThrow(/A value longer than 20 characters starts at position 29/);
    expect(pieces.map((p) => p.type)).toEqual(['arrayStart', 'element', 'element']);
    const whole = new JsonPieceReader(() => undefined, 20);
    expect(() => whole.push(text)).toThrow(JsonPieceError);
  });

  it('names the position of what is wrong', () => {
    const fail = (text: string): JsonPieceError => {
      try {
        readInChunks(text, [4]);
      } catch (err) {
        return err as JsonPieceError;
      }
      throw new Error(`no error for ${text}`);
    };
    expect(fail('{"a":1,}').position).toBe(7);
    expect(fail('{"a":[1,]}').position).toBe(8);
    expect(fail('{"a" 1}').position).toBe(5);
    expect(fail('[1]').position).toBe(0);
    expect(fail('{"a":1').message).toMatch(/end of JSON input/);
    expect(fail('{"a":tru}').position).toBeGreaterThanOrEqual(5);
    expect(fail('{"a":1} x').position).toBe(8);
  });

  it('equals JSON.parse on generated documents, whatever the chunk sizes and spacing (differential)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        (obj, indent, sizes) => {
          const text = JSON.stringify(obj, null, indent);
          expect(readInChunks(text, sizes).value).toEqual(JSON.parse(text));
        },
      ),
      { seed: 20261206, numRuns: 500 },
    );
  });

  it('accepts exactly the object documents JSON.parse accepts, after random damage (differential)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })),
        fc.nat(),
        fc.constantFrom(
          '',
          '{',
          '}',
          '[',
          ']',
          '"',
          ',',
          ':',
          '\\',
          ' ',
          'x',
          '1',
          'e',
          '-',
          'null',
        ),
        fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }),
        (obj, where, insert, sizes) => {
          const valid = JSON.stringify(obj);
          const at = where % (valid.length + 1);
          const text = valid.slice(0, at) + insert + valid.slice(at + (insert === '' ? 1 : 0));
          const expected = parsedObject(text);
          let got: unknown = null;
          try {
            got = readInChunks(text, sizes).value;
          } catch (err) {
            expect(err).toBeInstanceOf(JsonPieceError);
          }
          expect(got).toEqual(expected);
        },
      ),
      { seed: 20261207, numRuns: 2000 },
    );
  });
});
