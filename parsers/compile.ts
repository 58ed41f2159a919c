/**
 * Compile a file format into one line function, once per file: envelope
 * stripping, then the first line parser that claims the payload. Nothing in
 * the returned function looks at options again (pino's "decide once").
 */
import { payloadOf, stripEnvelope, type Envelope } from './envelopes.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';

export type LineFunction = (line: string) => ParseResult;

/** Give a record what the envelope knew and the payload did not (time, host). */
function fillFromEnvelope(r: ParseResult, env: Envelope, line: string, year: number): ParseResult {
  if (r === null || r.kind === 'malformed') return r;
  if (r.wallMs === null && env.hasTime) {
    // The envelope's date was left unread: read it now, for the rare payload without its own.
    const timed = stripEnvelope(line, year, true);
    r.wallMs = timed.wallMs;
    r.offsetMin = timed.offsetMin;
  }
  if ((r.kind === 'request' || r.kind === 'message') && r.host === null) r.host = env.host;
  return r;
}

/** One function for a list of line parsers: the first that claims a payload decides it. */
export function compileParsers(parsers: readonly LineParser[], ctx: ParseContext): LineFunction {
  return (line) => {
    const env = stripEnvelope(line, ctx.defaultYear, false);
    const payload = payloadOf(line, env);
    for (const p of parsers) {
      if (p.claims(payload)) return fillFromEnvelope(p.parse(payload, ctx), env, line, ctx.defaultYear);
    }
    return null;
  };
}

/** Parse one line with one parser, envelope included: what sample tests use. */
export function parseWith(parser: LineParser, line: string, ctx: ParseContext): ParseResult {
  return compileParsers([parser], ctx)(line);
}
