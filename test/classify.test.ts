/**
 * The classification table: every path form (deployment prefix, version,
 * project id, query, .json, URL-encoding, absolute URI) and every action of
 * the bundled packs, including each pack's own samples.
 */
import { describe, expect, it } from 'vitest';
import { normalisePath } from '../src/paths.js';
import { compileClassifier, loadBundledPacks } from '../src/rules.js';

const packs = loadBundledPacks();
const classifier = compileClassifier(packs);
const classify = (method: string, uri: string, service = 'compute', auditAction: string | null = null) =>
  classifier.classify(service, method, normalisePath(uri).segments, auditAction);

describe('normalisePath(uri)', () => {
  it.each([
    ['/v2.1/os-hosts', '', 'v2.1', null, ['os-hosts'], ''],
    ['/compute/v2.1/os-hosts?zone=nova', '/compute', 'v2.1', null, ['os-hosts'], 'zone=nova'],
    [
      '/v2/e7dcfe9fe2f143d29e518e41a20553cf/os-hosts/littlebigguy',
      '',
      'v2',
      'e7dcfe9fe2f143d29e518e41a20553cf',
      ['os-hosts', 'littlebigguy'],
      '',
    ],
    ['/v1.1/9a1e0c2d/os-hosts.json', '', 'v1.1', '9a1e0c2d', ['os-hosts'], ''],
    [
      '/v2.1/os-hosts/cmp%2D01.example.com/reboot.json',
      '',
      'v2.1',
      null,
      ['os-hosts', 'cmp-01.example.com', 'reboot'],
      '',
    ],
    ['http://api.example.com:8774/v2.1/os-hosts', '', 'v2.1', null, ['os-hosts'], ''],
    [
      'https://cloud.example.com/compute/v2.1/6f1c2a9e-4b7d/os-services/enable',
      '/compute',
      'v2.1',
      '6f1c2a9e-4b7d',
      ['os-services', 'enable'],
      '',
    ],
    ['/', '', null, null, [], ''],
  ])('normalisePath(%s)', (uri, prefix, version, projectId, segments, query) => {
    expect(normalisePath(uri)).toEqual({ prefix, version, projectId, segments, query });
  });

  it('keeps a malformed percent escape as logged instead of failing', () => {
    expect(normalisePath('/v2.1/os-hosts/bad%zzhost').segments).toEqual(['os-hosts', 'bad%zzhost']);
  });
});

describe('classify(service, method, path) from the bundled rule packs', () => {
  it.each([
    ['GET', '/v2.1/os-hosts', 'os-hosts', 'list', null],
    ['GET', '/v2/6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b/os-hosts?zone=nova', 'os-hosts', 'list', null],
    ['GET', '/compute/v2.1/os-hosts.json', 'os-hosts', 'list', null],
    ['GET', '/v2.1/os-hosts/cmp-01', 'os-hosts', 'show', 'cmp-01'],
    ['GET', '/v2.1/os-hosts/cmp-01.example.com', 'os-hosts', 'show', 'cmp-01.example.com'],
    ['PUT', '/v2.1/os-hosts/cmp-01', 'os-hosts', 'update', 'cmp-01'],
    ['GET', '/v2.1/os-hosts/cmp-01/reboot', 'os-hosts', 'reboot', 'cmp-01'],
    ['GET', '/v1.1/9a1e0c2d/os-hosts/cmp-01/shutdown.json', 'os-hosts', 'shutdown', 'cmp-01'],
    ['GET', '/v2.1/os-hosts/cmp%2D01/startup', 'os-hosts', 'startup', 'cmp-01'],
    ['POST', '/v2.1/os-hosts', 'os-hosts', 'other', null],
    ['GET', '/v2.1/os-hosts/a/b/c', 'os-hosts', 'other', null],
    ['GET', '/v2.1/os-services', 'os-services', 'list', null],
    ['PUT', '/v2.1/os-services/enable', 'os-services', 'enable', null],
    ['PUT', '/v2.1/os-services/disable', 'os-services', 'disable', null],
    ['PUT', '/v2.1/os-services/disable-log-reason', 'os-services', 'disable-log-reason', null],
    ['PUT', '/v2.1/os-services/force-down', 'os-services', 'force-down', null],
    [
      'PUT',
      '/v2.1/os-services/5f9a2a1e-4c7e-4b1e-9a55-3c2d1e0f9a8b',
      'os-services',
      'update',
      '5f9a2a1e-4c7e-4b1e-9a55-3c2d1e0f9a8b',
    ],
    [
      'DELETE',
      '/v2.1/os-services/5f9a2a1e-4c7e-4b1e-9a55-3c2d1e0f9a8b',
      'os-services',
      'delete',
      '5f9a2a1e-4c7e-4b1e-9a55-3c2d1e0f9a8b',
    ],
  ])('%s %s → %s %s', (method, uri, api, action, target) => {
    expect(classify(method, uri)).toEqual({ api, action, target });
  });

  it.each([
    ['GET', '/v2.1/servers/detail'],
    ['GET', '/v2.1/os-hypervisors/detail'],
    ['GET', '/'],
    ['GET', '/v2.1/os-hostsx'],
  ])('%s %s is not a call of interest', (method, uri) => {
    expect(classify(method, uri)).toBeNull();
  });

  it("never counts another service's os-hosts (cinder, blazar)", () => {
    expect(classify('GET', '/v3/6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b/os-hosts', 'block-storage')).toBeNull();
    expect(classify('GET', '/v1/os-hosts', 'reservation')).toBeNull();
  });

  for (const pack of packs) {
    it(`classifies every sample of the ${pack.api} pack`, () => {
      expect(pack.samples.length).toBeGreaterThan(0);
      for (const s of pack.samples) {
        const got = classify(s.method, s.path, s.service ?? pack.service, s.auditAction ?? null);
        expect(got, `${s.method} ${s.path}`).toEqual({ api: pack.api, action: s.action, target: s.target ?? null });
      }
    });
  }
});

describe('effects: log messages that make an update precise', () => {
  it.each([
    ['nova.api.openstack.compute.hosts', 'Enabling host cmp-01.', 'enable', 'cmp-01'],
    ['nova.api.openstack.compute.hosts', 'Disabling host cmp-01.example.com.', 'disable', 'cmp-01.example.com'],
    ['nova.api.openstack.compute.hosts', 'Putting host cmp-03 in maintenance mode True.', 'maintenance-on', 'cmp-03'],
    ['nova.api.openstack.compute.hosts', 'Putting host cmp-03 in maintenance mode False.', 'maintenance-off', 'cmp-03'],
    ['nova.api.openstack.compute.contrib.hosts', 'Disabling host cmp-02.', 'disable', 'cmp-02'],
  ])('%s "%s" → %s', (logger, message, action, target) => {
    expect(classifier.effect(logger, message)).toEqual({ api: 'os-hosts', action, refines: 'update', target });
  });

  it('ignores the same text from another logger', () => {
    expect(classifier.effect('nova.compute.manager', 'Enabling host cmp-01.')).toBeNull();
  });
});
