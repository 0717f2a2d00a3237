/**
 * Reads a JSON document whose top level is an object piece by piece: text goes in as chunks of any
 * size, and each top-level member comes out parsed — an array member element by element. A large
 * project file can so be read between other work (a server yields between chunks) instead of in one
 * `JSON.parse` that holds the event loop for a second. Every value is parsed by `JSON.parse` itself,
 * so values are exactly what `JSON.parse` of the whole document gives; this file only finds where
 * each value starts and ends. Pure: no Node, no DOM.
 */

/** One parsed piece of the top-level object, in document order. */
export type JsonPiece =
  | { type: 'member'; key: string; value: unknown }
  | { type: 'arrayStart'; key: string }
  | { type: 'element'; key: string; index: number; value: unknown };

/** Where and why the text is not JSON (position counts UTF-16 code units from the start). */
export class JsonPieceError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonPieceError';
  }
}

type State =
  | 'start' // before '{'
  | 'keyOrEnd' // after '{': a key or '}'
  | 'key' // before a key (after ',')
  | 'colon'
  | 'memberValue' // before a member's value
  | 'elementOrEnd' // after '[' of an array member: an element or ']'
  | 'element' // before an element (after ',')
  | 'afterElement' // ',' or ']'
  | 'afterMember' // ',' or '}'
  | 'done';

/** What the value being scanned is, once its first character is seen. */
type ValueKind = 'composite' | 'string' | 'primitive';

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The reader. `push` chunks, then `end()`; `onPiece` is called synchronously for each complete
 * piece. Throws {@link JsonPieceError} (or the SyntaxError of a value's own JSON.parse, with the
 * position rebased) as soon as the text cannot be JSON.
 */
export class JsonPieceReader {
  private state: State = 'start';
  private offset = 0; // position of the current chunk's first character in the whole text
  private key = '';
  private index = 0;
  // The value (or key string) being scanned: its text so far, where it started, and its nesting.
  private scanning: {
    kind: ValueKind;
    parts: string[];
    start: number;
    depth: number;
    inString: boolean;
    escaped: boolean;
    forKey: boolean;
  } | null = null;

  /**
   * `maxValueChars` bounds one member or element (each is parsed by one `JSON.parse`, which holds
   * the thread for as long as it takes, and kept whole in memory until then).
   */
  constructor(
    private readonly onPiece: (piece: JsonPiece) => void,
    private readonly maxValueChars = Number.POSITIVE_INFINITY,
  ) {}

  /** True once the opening `{` of the top-level object has been read. */
  get started(): boolean {
    return this.state !== 'start';
  }

  /** Feeds the next chunk of text. */
  push(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.scanning) {
        i = this.scan(chunk, i);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const at = this.offset + i;
      switch (this.state) {
        case 'start':
          if (c !== 0x7b) this.fail(chunk[i]!, at);
          this.state = 'keyOrEnd';
          i++;
          break;
        case 'keyOrEnd':
        case 'key':
          if (c === 0x7d && this.state === 'keyOrEnd') {
            this.state = 'done';
            i++;
          } else if (c === 0x22) {
            this.begin('string', chunk, i, true);
            i++;
          } else this.fail(chunk[i]!, at);
          break;
        case 'colon':
          if (c !== 0x3a) this.fail(chunk[i]!, at);
          this.state = 'memberValue';
          i++;
          break;
        case 'memberValue':
          if (c === 0x5b) {
            this.onPiece({ type: 'arrayStart', key: this.key });
            this.index = 0;
            this.state = 'elementOrEnd';
            i++;
          } else i = this.beginValue(chunk, i);
          break;
        case 'elementOrEnd':
        case 'element':
          if (c === 0x5d && this.state === 'elementOrEnd') {
            this.state = 'afterMember';
            i++;
          } else i = this.beginValue(chunk, i);
          break;
        case 'afterElement':
          if (c === 0x2c) this.state = 'element';
          else if (c === 0x5d) this.state = 'afterMember';
          else this.fail(chunk[i]!, at);
          i++;
          break;
        case 'afterMember':
          if (c === 0x2c) this.state = 'key';
          else if (c === 0x7d) this.state = 'done';
          else this.fail(chunk[i]!, at);
          i++;
          break;
        case 'done':
          this.fail(chunk[i]!, at);
      }
    }
    // A value still open at the end of the chunk keeps the rest of the chunk for later.
    if (this.scanning) {
      const s = this.scanning;
      const from = Math.max(0, s.start - this.offset);
      s.parts.push(chunk.slice(from));
      if (this.offset + n - s.start > this.maxValueChars) this.tooLong(s.start);
    }
    this.offset += n;
  }

  /** Ends the text: throws when the document is incomplete. */
  end(): void {
    // A primitive ends at the end of the text only inside a value, which the top level never is.
    if (this.state !== 'done' || this.scanning)
      throw new JsonPieceError('Unexpected end of JSON input', this.offset);
  }

  private tooLong(at: number): never {
    throw new JsonPieceError(`A value longer than ${this.maxValueChars} characters starts`, at);
  }

  private fail(ch: string, at: number): never {
    throw new JsonPieceError(`Unexpected character ${JSON.stringify(ch)}`, at);
  }

  private begin(kind: ValueKind, chunk: string, i: number, forKey = false): void {
    this.scanning = {
      kind,
      parts: [],
      start: this.offset + i,
      depth: kind === 'composite' ? 1 : 0,
      inString: kind === 'string',
      escaped: false,
      forKey,
    };
  }

  /** Starts a value at `i` (its first character decides its kind); returns where scanning goes on. */
  private beginValue(chunk: string, i: number): number {
    const c = chunk.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) this.begin('composite', chunk, i);
    else if (c === 0x22) this.begin('string', chunk, i);
    else if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a)
      this.fail(chunk[i]!, this.offset + i);
    else {
      this.begin('primitive', chunk, i);
      return i; // a primitive's first character is also checked by scan()
    }
    return i + 1;
  }

  /** Scans the open value from `i`; returns the index after it, or `chunk.length` when it goes on. */
  private scan(chunk: string, i: number): number {
    const s = this.scanning!;
    const n = chunk.length;
    if (s.kind === 'primitive') {
      while (i < n) {
        const c = chunk.charCodeAt(i);
        if (isSpace(c) || c === 0x2c || c === 0x5d || c === 0x7d) return this.finish(chunk, i);
        i++;
      }
      return n;
    }
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (s.inString) {
        if (s.escaped) s.escaped = false;
        else if (c === 0x5c) s.escaped = true;
        else if (c === 0x22) {
          s.inString = false;
          if (s.kind === 'string') return this.finish(chunk, i + 1);
        }
      } else if (c === 0x22) s.inString = true;
      else if (c === 0x7b || c === 0x5b) s.depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--s.depth === 0) return this.finish(chunk, i + 1);
      }
      i++;
    }
    return n;
  }

  /** The open value ends before `end` in `chunk`: parse it, hand it on, move the state on. */
  private finish(chunk: string, end: number): number {
    const s = this.scanning!;
    this.scanning = null;
    const from = Math.max(0, s.start - this.offset);
    if (this.offset + end - s.start > this.maxValueChars) this.tooLong(s.start);
    const text = s.parts.length ? s.parts.join('') + chunk.slice(0, end) : chunk.slice(from, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const local = /position (\d+)/.exec((err as Error).message);
      const message = (
        (err as Error).message.split(/ (?:in JSON )?at position/)[0] ?? 'Invalid JSON'
      ).replace(/^Unexpected token/, 'Unexpected character');
      throw new JsonPieceError(message, s.start + (local ? Number(local[1]) : 0));
    }
    if (s.forKey) {
      this.key = value as string;
      this.state = 'colon';
    } else if (this.state === 'memberValue') {
      this.onPiece({ type: 'member', key: this.key, value });
      this.state = 'afterMember';
    } else {
      this.onPiece({ type: 'element', key: this.key, index: this.index++, value });
      this.state = 'afterElement';
    }
    return end;
  }
}

/**
 * Adds a piece to the object being rebuilt. Keys are defined as own properties (a `__proto__` key
 * stays data, as with `JSON.parse`); a repeated key replaces the earlier value, as with `JSON.parse`.
 */
export function assemblePiece(target: Record<string, unknown>, piece: JsonPiece): void {
  const define = (key: string, value: unknown): void => {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  };
  if (piece.type === 'member') define(piece.key, piece.value);
  else if (piece.type === 'arrayStart') define(piece.key, []);
  else (target[piece.key] as unknown[]).push(piece.value);
}
