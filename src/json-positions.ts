/**
 * JSON.parse that also remembers where every value starts, so validation
 * errors in a hand-written file (a rule pack) can name the line at fault.
 * Small files only: recursive descent over a string.
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export interface PositionedJson {
  value: unknown;
  /**
   * 1-based line of the value at a JSON pointer ('' is the root,
   * '/routes/2/action'); the nearest parent's line when absent.
   */
  lineOf(pointer: string): number;
}

export function parseJsonWithPositions(text: string): PositionedJson {
  const parser = new PositionedParser(text);
  const root = parser.value('');
  parser.ws();
  if (parser.i < text.length) parser.fail('unexpected text after the JSON value');
  return {
    value: root,
    lineOf(pointer: string): number {
      let p = pointer;
      for (;;) {
        const pos = parser.starts.get(p);
        if (pos !== undefined) return parser.lineAt(pos);
        if (p === '') return 1;
        p = p.slice(0, p.lastIndexOf('/'));
      }
    },
  };
}

/** Recursive descent over the text, each value's start kept by its JSON pointer. */
class PositionedParser {
  readonly starts = new Map<string, number>();
  private readonly lineStarts = [0];
  i = 0;

  constructor(private readonly text: string) {
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
  }

  /** The 1-based line of a position. */
  lineAt(pos: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  fail(what: string): never {
    const line = this.lineAt(this.i);
    const column = this.i - this.lineStarts[line - 1]! + 1;
    throw new JsonSyntaxError(`${what} at line ${line}, column ${column}`, line, column);
  }

  ws(): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(ptr: string): unknown {
    this.ws();
    this.starts.set(ptr, this.i);
    const c = this.text[this.i];
    if (c === '{') return this.object(ptr);
    if (c === '[') return this.array(ptr);
    if (c === '"') return this.str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      this.text.slice(this.i, this.i + 64),
    );
    if (!m) return this.fail(this.i >= this.text.length ? 'unexpected end of input' : `unexpected '${c}'`);
    this.i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  }

  private object(ptr: string): Record<string, unknown> {
    const text = this.text;
    this.i++;
    const obj: Record<string, unknown> = {};
    this.ws();
    if (text[this.i] === '}') {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      if (text[this.i] !== '"') this.fail('expected a "quoted" key');
      const key = this.str();
      this.ws();
      if (text[this.i] !== ':') this.fail(`expected ':' after key "${key}"`);
      this.i++;
      obj[key] = this.value(`${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (this.endOfList('}')) return obj;
    }
  }

  private array(ptr: string): unknown[] {
    this.i++;
    const arr: unknown[] = [];
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value(`${ptr}/${arr.length}`));
      if (this.endOfList(']')) return arr;
    }
  }

  /** After a member or an element: true at the closing bracket (passed over), false after a comma. */
  private endOfList(close: '}' | ']'): boolean {
    this.ws();
    const c = this.text[this.i];
    if (c === ',' || c === close) {
      this.i++;
      return c === close;
    }
    return this.fail(`expected ',' or '${close}'`);
  }

  private str(): string {
    const text = this.text;
    const start = this.i;
    this.i++;
    while (this.i < text.length && text[this.i] !== '"') {
      if (text[this.i] === '\\') this.i++;
      if (text[this.i] === '\n') this.fail('unterminated string');
      this.i++;
    }
    if (this.i >= text.length) this.fail('unterminated string');
    this.i++;
    return JSON.parse(text.slice(start, this.i)) as string;
  }
}
