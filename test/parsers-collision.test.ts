/**
 * No format reads another's lines (parsers/index.ts): every sample line of every parser is
 * detected as its own format (src/ingest/detect.ts, the first signature in FORMATS order), and
 * its own format's parsers, tried in order as ingest compiles them, read it to exactly the
 * sample's record, alone and in each mix of formats detection allows in one file.
 *
 * Some parsers' cheap `claims` test also accepts lines of another format. Each such overlap is
 * named below with the reason it is harmless and what the claiming format makes of the line if
 * it is forced with --format; an overlap not named here fails, and so does a named one that no
 * longer happens (the list stays true).
 */
import { describe, expect, it } from 'vitest';
import { compileParsers } from '../parsers/compile.js';
import { stripEnvelope } from '../parsers/envelopes.js';
import { allParsers, FORMATS } from '../parsers/index.js';
import type { FileFormat, LineParser, ParseContext, Sample } from '../parsers/types.js';
import { detectFormat } from '../src/ingest/detect.js';
import { resolveFormat } from '../src/ingest/process.js';

/** The context of test/parsers-samples.test.ts: nova-message's samples are the hosts controller's lines. */
const ctx: ParseContext = {
  defaultYear: 2024,
  messageLoggers: new Set([
    'nova.api.openstack.compute.hosts',
    'nova.api.openstack.compute.contrib.hosts',
    'nova.api.openstack.compute.legacy_v2.contrib.hosts',
  ]),
};

/** The mixed files detection accepts (COMPATIBLE in src/ingest/detect.ts), as it names them. */
const JOINS = ['nova+uwsgi', 'cadf-oslo+nova'];

interface Overlap {
  /** The format one of whose parsers claims the lines. */
  claimant: string;
  /** The format the lines belong to. */
  owner: string;
  /** What the claimant's parsers give for those lines when a file is forced into its format. */
  claimantGives: 'null' | 'malformed' | 'request';
  reason: string;
}

const ALLOWED: readonly Overlap[] = [
  {
    claimant: 'nova',
    owner: 'cadf-oslo',
    claimantGives: 'null',
    reason:
      'nova-message claims every oslo.log-shaped line and keeps only the loggers a rule pack asks for; ' +
      'audit lines of the oslo.messaging log driver or keystonemiddleware.audit are oslo lines. ' +
      'Detection never counts them for nova (its signature needs a `nova.` logger), and in a nova-api.log ' +
      'that holds both, the join cadf-oslo+nova tries the audit parsers first.',
  },
  {
    claimant: 'haproxy',
    owner: 'cadf-oslo',
    claimantGives: 'malformed',
    reason:
      'haproxy-http claims any `<token> [` line with a quote, so a cut httplog line is malformed, not lost; ' +
      "pebble's `<time> [wsgi-nova-api]` prefix (Canonical's nova-api logs) has that shape. Detection sends " +
      'these lines to cadf-oslo; a haproxy file holding one counts it malformed.',
  },
  {
    claimant: 'nova-json',
    owner: 'haproxy-json',
    claimantGives: 'null',
    reason:
      'nova-json claims every JSON object line (`{`) and reads only those naming a nova logger; ' +
      "kolla's HAProxy JSON names none. Detection tries haproxy-json's signature (`\"Payload\"`), nova-json's needs " +
      '`"name": "nova.`.',
  },
  {
    claimant: 'nova-json',
    owner: 'cadf-json',
    claimantGives: 'null',
    reason:
      'nova-json claims every JSON object line; an audit notification names no nova logger (its target is ' +
      '`"name": "nova"`, without the dot, which nova-json\'s signature needs).',
  },
  {
    claimant: 'cadf-oslo',
    owner: 'cadf-json',
    claimantGives: 'null',
    reason:
      'an oslo.log JSONFormatter record of the log driver holds its logger name ' +
      '(oslo.messaging.notification.audit.http.response) as a JSON value, which the text parser looks for; ' +
      'cadf-json comes first in detection order and the text parser finds no oslo header, so it gives null.',
  },
  {
    claimant: 'haproxy',
    owner: 'apache',
    claimantGives: 'malformed',
    reason:
      "haproxy-clf claims `<client> - - [` lines: `option httplog clf` starts with Apache's common log fields " +
      '(lb-logs.md §1.4). The apache signature excludes the clf lines (`"" "" port ms "frontend"`) and the haproxy ' +
      'signature needs them, so detection keeps the two apart; a haproxy file counts a stray Apache line malformed.',
  },
  {
    claimant: 'apache',
    owner: 'haproxy',
    claimantGives: 'request',
    reason:
      "apache-combined reads an `option httplog clf` line as combined: its first nine fields are Apache's by " +
      'design (lb-logs.md §1.4), so the request it gives has the right method, target, status and bytes. ' +
      'Detection sends clf lines to haproxy (the apache signature excludes them), whose haproxy-clf reads ' +
      'the frontend, backend and timers too.',
  },
];

interface Case {
  parser: LineParser;
  index: number;
  sample: Sample;
  payload: string;
  /** The formats whose parsers include this one (haproxy-event sits in haproxy and octavia). */
  own: string[];
}

const CASES: Case[] = allParsers().flatMap((parser) =>
  parser.samples.map((sample, index) => ({
    parser,
    index,
    sample,
    payload: sample.line.slice(stripEnvelope(sample.line, ctx.defaultYear).start),
    own: FORMATS.filter((f) => f.parsers.includes(parser)).map((f) => f.name),
  })),
);

const label = (c: Case): string => `${c.parser.name} sample ${c.index + 1}: ${c.sample.line.slice(0, 90)}`;

/** The formats, other than the sample's own, one of whose parsers claims its payload. */
const claimants = (c: Case): string[] =>
  FORMATS.filter((f) => !c.own.includes(f.name) && f.parsers.some((p) => p.claims(c.payload))).map((f) => f.name);

describe('detection: every sample line is detected as its own format, in detection order', () => {
  it('every request, opaque and message sample is detected as the format its parser belongs to', () => {
    const wrong = CASES.filter((c) => c.sample.expect !== null && c.sample.expect.kind !== 'malformed')
      .map((c) => ({ c, d: detectFormat([c.sample.line], ctx.defaultYear) }))
      .filter(({ c, d }) => !d.ok || !c.own.includes(d.format))
      .map(({ c, d }) => `${label(c)} → ${d.ok ? d.format : d.reason}`);
    expect(wrong).toEqual([]);
  });

  it('a sample that is not a request, or malformed, is detected as its own format or not at all', () => {
    const wrong = CASES.filter((c) => c.sample.expect === null || c.sample.expect.kind === 'malformed')
      .map((c) => ({ c, d: detectFormat([c.sample.line], ctx.defaultYear) }))
      .filter(({ c, d }) => (d.ok ? !c.own.includes(d.format) : d.reason !== 'unknown'))
      .map(({ c, d }) => `${label(c)} → ${d.ok ? d.format : d.reason}`);
    expect(wrong).toEqual([]);
  });

  it("no other format's signature matches any sample line (detection never has to break a tie)", () => {
    const wrong = CASES.flatMap((c) =>
      FORMATS.filter((f) => !c.own.includes(f.name) && f.signature.test(c.payload)).map(
        (f) => `${label(c)} → also ${f.name}`,
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('the mixed files named here are the ones detection accepts, in its order', () => {
    for (const join of JOINS) {
      const [a, b] = join.split('+');
      const linesOf = (name: string): string[] =>
        CASES.filter((c) => c.own.includes(name) && c.sample.expect?.kind === 'request').map((c) => c.sample.line);
      const lines = [...linesOf(a!).slice(0, 4), ...linesOf(b!).slice(0, 4)];
      expect(lines.length, join).toBe(8);
      expect(detectFormat(lines, ctx.defaultYear), join).toMatchObject({ ok: true, format: join });
    }
  });
});

describe("each format's parsers, in order, read every sample of theirs to exactly its record", () => {
  const formats: FileFormat[] = [...FORMATS, ...JOINS.map((j) => resolveFormat(j))];
  for (const f of formats) {
    it(`format ${f.name}`, () => {
      const read = compileParsers(f.parsers, ctx);
      for (const parser of f.parsers) {
        parser.samples.forEach((sample, i) => {
          expect(read(sample.line), `${parser.name} sample ${i + 1}`).toStrictEqual(sample.expect);
        });
      }
    });
  }
});

describe('overlaps: a parser of another format that claims a sample line is a named, harmless overlap', () => {
  const observed = CASES.flatMap((c) => claimants(c).map((claimant) => ({ c, claimant, owner: c.own[0]! })));
  const key = (o: { claimant: string; owner: string }): string => `${o.claimant} claims ${o.owner}'s lines`;

  it('every overlap that happens is named in ALLOWED', () => {
    const named = new Set(ALLOWED.map(key));
    expect(observed.filter((o) => !named.has(key(o))).map((o) => `${key(o)}: ${label(o.c)}`)).toEqual([]);
  });

  it('every overlap named in ALLOWED still happens', () => {
    const seen = new Set(observed.map(key));
    expect(ALLOWED.filter((a) => !seen.has(key(a))).map(key)).toEqual([]);
  });

  for (const a of ALLOWED) {
    it(`${key(a)}: detection keeps them apart, and forced into ${a.claimant} they give ${a.claimantGives}`, () => {
      expect(a.reason.length).toBeGreaterThan(40);
      const claimant = FORMATS.find((f) => f.name === a.claimant)!;
      const read = compileParsers(claimant.parsers, ctx);
      for (const o of observed.filter((x) => key(x) === key(a))) {
        // Detection picks the owner: the claimant's signature does not match the line.
        expect(claimant.signature.test(o.c.payload), label(o.c)).toBe(false);
        const r = read(o.c.sample.line);
        expect(r === null ? 'null' : r.kind, label(o.c)).toBe(a.claimantGives);
      }
    });
  }
});
