/**
 * lnav-style checks over every registered line parser: each has samples, and
 * each sample parses (envelope included) to exactly the whole record it declares.
 */
import { describe, expect, it } from 'vitest';
import { parseWith } from '../parsers/compile.js';
import { allParsers, FORMATS } from '../parsers/index.js';
import type { ParseContext } from '../parsers/types.js';

const ctx: ParseContext = {
  defaultYear: 2024,
  messageLoggers: new Set([
    'nova.api.openstack.compute.hosts',
    'nova.api.openstack.compute.contrib.hosts',
    'nova.api.openstack.compute.legacy_v2.contrib.hosts',
  ]),
};

describe('parser registry', () => {
  it('has formats with unique names and at least one parser each', () => {
    const names = FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FORMATS) expect(f.parsers.length, f.name).toBeGreaterThan(0);
  });
});

for (const parser of allParsers()) {
  describe(`parser ${parser.name}`, () => {
    it('declares samples', () => {
      expect(parser.samples.length).toBeGreaterThan(0);
    });
    parser.samples.forEach((sample, i) => {
      it(`sample ${i + 1} parses to exactly its whole record: ${(sample.note ?? sample.line).slice(0, 70)}`, () => {
        // toStrictEqual: every field of the record, no more, no fewer (a field the sample
        // leaves out fails here as it fails to compile, see Sample in parsers/types.ts).
        expect(parseWith(parser, sample.line, ctx)).toStrictEqual(sample.expect);
      });
    });
  });
}
