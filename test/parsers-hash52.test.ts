/**
 * The request key is defined once, in parsers/hash52.ts (the nova scanner hashes as it reads, and
 * parsers/ depends on nothing of src/); src/keys.ts re-exports it. Keys are stored (observations,
 * hour keys), so a key must never change: the values below were computed before the hash moved
 * out of src/keys.ts and must stay what they are.
 */
import { describe, expect, it } from 'vitest';
import * as parsersHash from '../parsers/hash52.js';
import { compileNovaScanner, newScannedAccess, SCAN_REQUEST } from '../parsers/nova-access-scan.js';
import * as keys from '../src/keys.js';

const EVENTLET_LINE =
  '2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server ' +
  '[req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - ' +
  '- -] ' +
  '10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829';
const REQUESTLOG_LINE =
  '2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog ' +
  '[None req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f ' +
  '9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - default default] ' +
  '10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678';

function scannedKey(line: string): number {
  const bytes = Buffer.from(line, 'utf8');
  const out = newScannedAccess();
  expect(compileNovaScanner(new Set(), null)(bytes, 0, bytes.length, out)).toBe(SCAN_REQUEST);
  return out.key;
}

describe('request keys', () => {
  it('src/keys.ts re-exports the hash of parsers/hash52.ts (one definition)', () => {
    expect(keys.hash52).toBe(parsersHash.hash52);
    expect(keys.hash52Values).toBe(parsersHash.hash52Values);
    expect(keys.hash52Fold).toBe(parsersHash.hash52Fold);
  });

  it('hash52 gives the stored keys it always gave', () => {
    expect(keys.hash52('req-x GET /v2.1/os-hosts 200')).toBe(4347442197666812);
    expect(keys.hash52('')).toBe(2271358496824607);
  });

  it('hash52Values gives the stored keys it always gave', () => {
    const fields = [1711120583412, '10.0.0.15', 'GET', '/v2.1/os-hosts', 200, 1207, 58, 'nova_api_front', 'ctl2', null];
    expect(keys.hash52Values(fields)).toBe(562283245037638);
    expect(keys.hash52Values([0.5, -3, null, ''])).toBe(1724463737365115);
  });

  it("the nova scanner keys an eventlet sample line as before, and as hash52 of the parsers' fields", () => {
    expect(scannedKey(EVENTLET_LINE)).toBe(3669891681257751);
    const uri = '/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail';
    expect(scannedKey(EVENTLET_LINE)).toBe(keys.hash52(`req-38101a0b-2096-447d-96ea-a692162415ae GET ${uri} 200`));
  });

  it('the nova scanner keys a request_log sample line as before', () => {
    expect(scannedKey(REQUESTLOG_LINE)).toBe(885496713441068);
    expect(scannedKey(REQUESTLOG_LINE)).toBe(
      keys.hash52('req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c GET /v2.1/os-hosts 200'),
    );
  });
});
