import { describe, expect, it } from 'vitest';
import { clientFamily, majorVersion } from '../src/user-agent.js';

describe('clientFamily(userAgent)', () => {
  it.each([
    ['python-novaclient', 'python-novaclient', null],
    ['osc-lib/1.7.0 keystoneauth1/3.1.0 python-requests/2.14.2 CPython/2.7.5', 'python-openstackclient', '1.7.0'],
    [
      'python-openstackclient keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
      'python-openstackclient',
      null,
    ],
    ['openstacksdk/0.101.0 keystoneauth1/5.0.0 python-requests/2.28.1 CPython/3.8.10', 'openstacksdk', '0.101.0'],
    ['keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.11.2', 'keystoneauth1', '5.6.0'],
    ['curl/7.88.1', 'curl', '7.88.1'],
    ['gophercloud/v2.0.0', 'gophercloud (Go)', 'v2.0.0'],
    [
      'HashiCorp Terraform/1.5.7 (+https://www.terraform.io) Terraform Plugin SDK/2.10.1 gophercloud/2.0.0',
      'Terraform',
      '1.5.7',
    ],
    ['Go-http-client/1.1', 'Go-http-client (Go)', '1.1'],
    ['Java/1.8.0_392', 'Java', '1.8.0_392'],
    ['python-requests/2.31.0', 'python-requests', '2.31.0'],
    ['Mozilla/5.0 (X11; Linux x86_64) Firefox/115.0', 'browser', '5.0'],
    ['check_nova_hosts.sh', 'other', null],
    [null, 'not logged', null],
    ['-', 'not logged', null],
  ])('%s → %s %s', (ua, family, version) => {
    expect(clientFamily(ua)).toEqual({ family, version });
  });

  it('majorVersion keeps the first number only', () => {
    expect(majorVersion('6.2.0')).toBe('6');
    expect(majorVersion('v2.0.0')).toBe('2');
    expect(majorVersion('unknown')).toBeNull();
    expect(majorVersion(null)).toBeNull();
  });
});
