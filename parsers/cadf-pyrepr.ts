/**
 * Python literal reprs → JavaScript values, for keystonemiddleware's log-only
 * audit notifier. Without oslo.messaging (or with `use_oslo_messaging = False`)
 * keystonemiddleware/audit/_notifier.py `_LogNotifier.notify` writes
 *
 *     self._log.info('Event type: %(event_type)s, Context: %(context)s, '
 *                    'Payload: %(payload)s', {...})
 *
 * so Context and Payload are `str(dict)`: Python reprs, not JSON. The payload
 * is pycadf's `event.as_dict()` (pycadf/cadftype.py: `jsonutils.to_primitive`),
 * so it holds only dicts, lists, strings, numbers, booleans and None; the
 * context is oslo.context's `to_dict()` of an admin context, the same kinds.
 *
 * What this reads (what `repr` prints for those kinds, Python 2 and 3):
 *   dict `{k: v, …}`, list `[…]`, tuple `(…)` / `(x,)`, set `{a, …}` (→ array)
 *   str `'…'` or `"…"` (repr picks double quotes when the text holds `'` and no `"`),
 *     with prefixes u/b/r (Python 2 prints `u'…'` for unicode), and the escapes
 *     repr emits: `\\ \' \" \n \r \t \xhh \uXXXX \UXXXXXXXX`, plus `\a \b \f \v`, octal and
 *     backslash-newline; an unknown escape keeps its backslash, as in Python
 *   numbers (`42`, `-1.5e-3`, Python 2 longs `42L`), `inf`, `nan`
 *   `True`, `False`, `None` → true, false, null
 * Anything else (an object repr `<… at 0x…>`, `datetime.datetime(…)`) is an
 * error naming the column, so the caller can report the line as malformed
 * instead of guessing.
 */

export class PyReprError extends Error {
  constructor(
    message: string,
    /** Index in the text where reading failed. */
    readonly pos: number,
  ) {
    super(`${message} at column ${pos + 1}`);
    this.name = 'PyReprError';
  }
}

/** Nesting deeper than this is not an audit event: stop rather than recurse without bound. */
const MAX_DEPTH = 64;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (s: string): boolean => /^[0-9a-fA-F]+$/.test(s);

/** Set a key as an own property even when it is `__proto__` (JSON.parse's behaviour). */
function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** A dict key as a JS property name: strings as they are, other scalars as Python prints them. */
function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'None';
  if (k === true) return 'True';
  if (k === false) return 'False';
  if (typeof k === 'number') return String(k);
  return JSON.stringify(k);
}

class Reader {
  pos: number;
  constructor(
    readonly s: string,
    start: number,
  ) {
    this.pos = start;
  }

  fail(what: string, at = this.pos): never {
    throw new PyReprError(what, at);
  }

  skipSpace(): void {
    const s = this.s;
    let c = s.charCodeAt(this.pos);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++this.pos);
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const s = this.s;
    if (this.pos >= s.length) this.fail('unexpected end of text');
    const c = s[this.pos]!;
    if (c === '{') return this.dictOrSet(depth);
    if (c === '[') return this.sequence(']', depth);
    if (c === '(') return this.sequence(')', depth);
    if (c === "'" || c === '"') return this.string(false);
    if (c === '-' || c === '+' || c === '.' || isDigit(s.charCodeAt(this.pos))) return this.number();
    // A string prefix (u'', b'', r'', ur'', br'', rb''), then a quote.
    const prefix = /^([uUbBrR]{1,2})(?=['"])/.exec(s.slice(this.pos, this.pos + 3));
    if (prefix) {
      const raw = /[rR]/.test(prefix[1]!);
      this.pos += prefix[1]!.length;
      return this.string(raw);
    }
    const word = /^[A-Za-z_]\w*/.exec(s.slice(this.pos, this.pos + 64));
    if (word) {
      const w = word[0];
      const at = this.pos;
      this.pos += w.length;
      switch (w) {
        case 'True':
          return true;
        case 'False':
          return false;
        case 'None':
          return null;
        case 'inf':
          return Infinity;
        case 'nan':
          return NaN;
        default:
          this.fail(`unsupported Python value \`${w}\``, at);
      }
    }
    return this.fail(`unsupported Python value starting \`${c}\``);
  }

  dictOrSet(depth: number): unknown {
    const s = this.s;
    this.pos++; // {
    this.skipSpace();
    const dict: Record<string, unknown> = {};
    if (s[this.pos] === '}') {
      this.pos++;
      return dict;
    }
    const first = this.value(depth + 1);
    this.skipSpace();
    if (s[this.pos] !== ':') {
      // A set literal: read it as a list.
      const items = [first];
      for (;;) {
        this.skipSpace();
        const ch = s[this.pos];
        if (ch === '}') {
          this.pos++;
          return items;
        }
        if (ch !== ',') this.fail("expected ',' or '}' in a set");
        this.pos++;
        this.skipSpace();
        if (s[this.pos] === '}') continue;
        items.push(this.value(depth + 1));
      }
    }
    let key = first;
    for (;;) {
      this.skipSpace();
      if (s[this.pos] !== ':') this.fail("expected ':' after a dict key");
      this.pos++;
      setKey(dict, keyText(key), this.value(depth + 1));
      this.skipSpace();
      const ch = s[this.pos];
      if (ch === '}') {
        this.pos++;
        return dict;
      }
      if (ch !== ',') this.fail("expected ',' or '}' in a dict");
      this.pos++;
      this.skipSpace();
      if (s[this.pos] === '}') {
        this.pos++;
        return dict;
      }
      key = this.value(depth + 1);
    }
  }

  sequence(close: string, depth: number): unknown[] {
    const s = this.s;
    this.pos++; // [ or (
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (s[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      const ch = s[this.pos];
      if (ch === close) {
        this.pos++;
        return items;
      }
      if (ch !== ',') this.fail(`expected ',' or '${close}'`);
      this.pos++;
    }
  }

  string(raw: boolean): string {
    const s = this.s;
    const quote = s[this.pos]!;
    const start = this.pos;
    this.pos++;
    let out = '';
    let run = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', start);
      const ch = s[this.pos]!;
      if (ch === quote) {
        out += s.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (ch !== '\\') {
        this.pos++;
        continue;
      }
      // A backslash: raw strings keep it (and the next character cannot end the string).
      if (raw) {
        this.pos += 2;
        continue;
      }
      out += s.slice(run, this.pos);
      const e = s[this.pos + 1];
      if (e === undefined) this.fail('unterminated string', start);
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(this.pos + 2, this.pos + 2 + n);
        if (hex.length !== n || !isHex(hex)) this.fail(`bad \\${e} escape`);
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) this.fail('code point out of range');
        out += cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
        this.pos += 2 + n;
      } else if (e >= '0' && e <= '7') {
        const oct = /^[0-7]{1,3}/.exec(s.slice(this.pos + 1, this.pos + 4))![0];
        out += String.fromCharCode(parseInt(oct, 8));
        this.pos += 1 + oct.length;
      } else if (e === 'N') {
        this.fail('\\N{…} escapes are not supported');
      } else {
        // Python keeps unknown escapes as written.
        out += '\\' + e;
        this.pos += 2;
      }
      run = this.pos;
    }
  }

  number(): number {
    const s = this.s;
    const m = /^[+-]?(?:inf|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[lL]?/.exec(s.slice(this.pos, this.pos + 400));
    if (!m) return this.fail('bad number');
    this.pos += m[0].length;
    const text = m[0].replace(/[lL]$/, '');
    const sign = text.startsWith('-') ? -1 : 1;
    const body = text.replace(/^[+-]/, '');
    if (body === 'inf') return sign * Infinity;
    if (body === 'nan') return NaN;
    return Number(text);
  }
}

/**
 * Read one Python literal starting at `start` (leading blanks allowed).
 * Returns the value and the index just after it. Throws PyReprError.
 */
export function readPyLiteral(text: string, start = 0): { value: unknown; end: number } {
  const r = new Reader(text, start);
  const value = r.value(0);
  return { value, end: r.pos };
}

/** The whole text as one Python literal (trailing blanks allowed). Throws PyReprError. */
export function parsePyLiteral(text: string): unknown {
  const r = new Reader(text, 0);
  const value = r.value(0);
  r.skipSpace();
  if (r.pos !== text.length) r.fail('unexpected text after the value');
  return value;
}
