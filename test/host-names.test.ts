import { describe, expect, it } from 'vitest';
import { indexHosts } from '../src/host-names.js';

describe('indexHosts(hosts, aliases).match(name)', () => {
  const index = indexHosts(
    ['cmp-01', 'CMP-02.example.com', 'cmp-03.dc1.example.com', 'cmp-03.dc2.example.com', 'bm-host'],
    new Map([['bm-host', ['7d1c2b3a-node']]]),
  );

  it('matches exactly first', () => expect(index.match('cmp-01')).toEqual({ host: 'cmp-01', kind: 'exact' }));
  it('then case-insensitively', () =>
    expect(index.match('cmp-02.EXAMPLE.com')).toEqual({ host: 'CMP-02.example.com', kind: 'case' }));
  it('then an FQDN against a short name', () =>
    expect(index.match('cmp-01.example.com')).toEqual({ host: 'cmp-01', kind: 'short' }));
  it('then a short name against an FQDN', () =>
    expect(index.match('cmp-02')).toEqual({ host: 'CMP-02.example.com', kind: 'short' }));
  it('reports an ambiguous short name instead of guessing', () =>
    expect(index.match('cmp-03')).toEqual({
      host: null,
      ambiguous: ['cmp-03.dc1.example.com', 'cmp-03.dc2.example.com'],
    }));
  it('an FQDN that is in the inventory is not ambiguous', () =>
    expect(index.match('cmp-03.dc2.example.com')).toEqual({ host: 'cmp-03.dc2.example.com', kind: 'exact' }));
  it('matches by an alias (hypervisor hostname)', () =>
    expect(index.match('7d1c2b3a-node')).toEqual({ host: 'bm-host', kind: 'exact' }));
  it('says when nothing matches', () => expect(index.match('cmp-10')).toEqual({ host: null, ambiguous: null }));
});
