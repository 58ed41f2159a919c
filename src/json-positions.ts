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
  const starts = new Map<string, number>();
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (pos: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let i = 0;
  const fail = (what: string): never => {
    const line = lineAt(i);
    throw new JsonSyntaxError(
      `${what} at line ${line}, column ${i - lineStarts[line - 1]! + 1}`,
      line,
      i - lineStarts[line - 1]! + 1,
    );
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const value = (ptr: string): unknown => {
    ws();
    starts.set(ptr, i);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a "quoted" key');
        const key = str();
        ws();
        if (text[i] !== ':') fail(`expected ':' after key "${key}"`);
        i++;
        obj[key] = value(`${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(`${ptr}/${arr.length}`));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) return fail(i >= text.length ? 'unexpected end of input' : `unexpected '${text[i]}'`);
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      if (text[i] === '\n') fail('unterminated string');
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const root = value('');
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return {
    value: root,
    lineOf(pointer: string): number {
      let p = pointer;
      for (;;) {
        const pos = starts.get(p);
        if (pos !== undefined) return lineAt(pos);
        if (p === '') return 1;
        p = p.slice(0, p.lastIndexOf('/'));
      }
    },
  };
}
