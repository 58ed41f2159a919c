/**
 * Escaping for the HTML pages. Every string the model holds can come from a
 * log line (project names, User-Agents, paths) or a user's rule pack, so it is
 * hostile until escaped. Rather than remember to call an escape function at
 * every use, pages are built with the `html` tagged template: whatever is
 * interpolated is escaped unless it is already an `Html` fragment built the
 * same way. Interpolations only ever go into text or double-quoted attribute
 * values, where escaping & < > " ' is enough.
 */

/** A fragment of markup that is already safe to emit as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for an HTML text node or a double-quoted attribute value. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

function render(p: Part): string {
  if (p === null || p === undefined || p === false || p === true) return '';
  if (p instanceof Html) return p.value;
  if (Array.isArray(p)) return (p as readonly Part[]).map(render).join('');
  return esc(String(p));
}

/** Markup with every interpolated value escaped (arrays are joined, null/undefined/booleans vanish). */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += render(parts[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup the caller vouches for: constants of this module's own (CSS, script), never model data. */
export const trusted = (s: string): Html => new Html(s);

/**
 * JSON to put inside `<script type="application/json">`. The HTML parser ends
 * a script element at the first `</script` and treats `<!--` specially, so no
 * `<` may appear literally; `>` and `&` are escaped too for good measure, and
 * U+2028/2029 because older JavaScript parsers took them for line ends. All of
 * these are valid JSON string escapes, so JSON.parse gives back exactly the
 * same value. They can only occur inside strings, never in JSON's syntax.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
