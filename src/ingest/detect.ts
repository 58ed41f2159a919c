/**
 * Auto-detection: which format a file is in, decided once from its first
 * lines. Each format's signature is tried on each payload (envelope
 * stripped); the format with most hits wins. Formats that legitimately share
 * a file are allowed together (a devstack journal holds nova's request_log
 * lines and uWSGI's own request lines); any other mix is an error naming
 * what was found, so the user can split the file or force --format.
 */
import { payloadOf, stripEnvelope } from '../../parsers/envelopes.js';
import { FORMATS } from '../../parsers/index.js';

/** Pairs of formats that one real file can hold, written in the order resolveFormat joins them. */
const COMPATIBLE: ReadonlyArray<readonly [string, string]> = [
  ['nova', 'uwsgi'],
  // keystonemiddleware's audit events logged through oslo.log inside nova-api.log; audit parsers first,
  // since nova's message parser claims every oslo-shaped line.
  ['cadf-oslo', 'nova'],
];

/** Lines looked at. */
export const DETECT_LINES = 2000;

export type Detection =
  | { ok: true; format: string; hits: Record<string, number> }
  | { ok: false; reason: 'unknown' | 'mixed'; hits: Record<string, number>; message: string };

export function detectFormat(lines: readonly string[], year: number): Detection {
  const hits: Record<string, number> = {};
  let looked = 0;
  for (const raw of lines) {
    if (looked >= DETECT_LINES) break;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    looked++;
    const env = stripEnvelope(line, year);
    const payload = payloadOf(line, env);
    for (const f of FORMATS) {
      if (f.signature.test(payload)) {
        hits[f.name] = (hits[f.name] ?? 0) + 1;
        break; // detection order: the first format whose signature matches claims the line
      }
    }
  }
  const ranked = Object.entries(hits).sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) {
    return {
      ok: false,
      reason: 'unknown',
      hits,
      message:
        `none of the first ${looked} non-blank lines is in a known format ` +
        `(${FORMATS.map((f) => f.name).join(', ')})`,
    };
  }
  const [top, topHits] = ranked[0]!;
  // Stray lines (under 5 % of the leader's, at most 2) do not make a file mixed.
  const significant = ranked.filter(([, n]) => n > 2 && n * 20 >= topHits).map(([name]) => name);
  if (significant.length <= 1) return { ok: true, format: top, hits };
  if (significant.length === 2) {
    const pair = COMPATIBLE.find(([a, b]) => significant.includes(a) && significant.includes(b));
    if (pair) return { ok: true, format: `${pair[0]}+${pair[1]}`, hits };
  }
  return {
    ok: false,
    reason: 'mixed',
    hits,
    message:
      `its first lines mix formats (${ranked.map(([n, c]) => `${n}: ${c} lines`).join(', ')}); split the file ` +
      'by format, or force one with --format',
  };
}
