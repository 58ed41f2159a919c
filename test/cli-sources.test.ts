/**
 * The built CLI reading a search server and the journal: credentials never on the command line,
 * TLS with a CA file, the cursor closed when the user presses Ctrl-C.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSearchServer, type FakeIndex, type Faults, type ServerOptions } from '../bench/fake-search-server.js';
import { ROOT, tempDir } from './helpers.js';
import { storyIndices, storyLines } from './opensearch-story.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const servers: FakeSearchServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function serve(indices: FakeIndex[], faults: Faults = {}, opts: ServerOptions = {}) {
  const s = await FakeSearchServer.start('opensearch-2.11', indices, faults, opts);
  servers.push(s);
  return s;
}

/** Run the CLI without blocking this process (the fake server answers from it). */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const story = (): FakeIndex[] => storyIndices('2025.1', storyLines('2025.1'));
const RANGE = ['--since', '2024-05-02', '--until', '2024-05-04', '--timezone', 'UTC'];

describe.skipIf(!existsSync(BIN))('apicensus ingest from a search server (built CLI)', () => {
  it('reads the days, says how much it fetched, and refuses credentials in the URL', async () => {
    const s = await serve(story());
    const db = join(tempDir(), 'a.db');
    const r = await run(['ingest', '--opensearch', s.url, '--db', db, ...RANGE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Read flog-\* on opensearch 2\.11\.1 at http:\/\/127\.0\.0\.1:\d+ \(cluster kolla_logging, paging by scroll\)/,
    );
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`2024-05-02: 30 documents, 22 compute requests \(and 2 of other services\) ` +
          'counted by the server; fetched 16 candidates',
      ),
    );
    expect(r.stdout).toMatch(/Fetched 22 of the 42 documents of the days read/);
    const bad = await run(['ingest', '--opensearch', s.url.replace('http://', 'http://admin:secret@'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not in the URL/);
    expect(bad.stderr).not.toMatch(/secret/);
  });

  it('sends credentials from the environment or --auth-file', async () => {
    const header = `Basic ${Buffer.from('logreader:s3cret').toString('base64')}`;
    const s = await serve(story(), {}, { requireAuth: header });
    const dir = tempDir();
    const none = await run(['ingest', '--opensearch', s.url, '--db', join(dir, 'a.db'), ...RANGE]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/HTTP 401 security_exception/);
    const env = await run(['ingest', '--opensearch', s.url, '--db', join(dir, 'b.db'), ...RANGE], {
      APICENSUS_SEARCH_USER: 'logreader',
      APICENSUS_SEARCH_PASSWORD: 's3cret',
    });
    expect(env.code).toBe(0);
    writeFileSync(join(dir, 'auth'), 'logreader:s3cret\n', { mode: 0o600 });
    const file = await run([
      'ingest',
      '--opensearch',
      s.url,
      '--auth-file',
      join(dir, 'auth'),
      '--db',
      join(dir, 'c.db'),
      ...RANGE,
    ]);
    expect(file.code).toBe(0);
  });

  it.skipIf(spawnSync('openssl', ['version']).status !== 0)(
    'speaks HTTPS to a server whose CA is given with --ca',
    async () => {
      const dir = tempDir();
      const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      ssl([
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=apicensus test CA',
      ]);
      ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
      writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
      ssl([
        'x509',
        '-req',
        '-in',
        'srv.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'srv.pem',
        '-days',
        '2',
        '-extfile',
        'ext',
      ]);
      const s = await serve(
        story(),
        {},
        { tls: { key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) } },
      );
      expect(s.url).toMatch(/^https:/);
      const without = await run(['ingest', '--opensearch', s.url, '--db', join(dir, 'a.db'), ...RANGE]);
      expect(without.code).toBe(1);
      expect(without.stderr).toMatch(/certificate/i);
      const withCa = await run([
        'ingest',
        '--opensearch',
        s.url,
        '--ca',
        join(dir, 'ca.pem'),
        '--db',
        join(dir, 'b.db'),
        ...RANGE,
      ]);
      expect(withCa.stderr).toBe('');
      expect(withCa.code).toBe(0);
    },
  );

  it('closes the scroll when Ctrl-C stops it, and stores nothing of the day it was reading', async () => {
    const s = await serve(story(), { pageDelayMs: 400 });
    const db = join(tempDir(), 'a.db');
    const child = spawn(
      process.execPath,
      [BIN, 'ingest', '--opensearch', s.url, '--db', db, '--page-size', '2', ...RANGE],
      {
        env: { ...process.env, TZ: 'UTC' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!s.requests.some((r) => r.path === '/_search/scroll')) await new Promise((r) => setTimeout(r, 20));
    expect(s.openCursors).toBe(1);
    child.kill('SIGINT');
    expect(await exit).toBe(1);
    expect(stderr).toMatch(/Interrupted while reading flog-\* 2024-05-02/);
    expect(s.openCursors).toBe(0);
    expect(s.requests.filter((r) => r.method === 'DELETE' && r.path === '/_search/scroll')).toHaveLength(1);
  });
});

describe.skipIf(!existsSync(BIN))('apicensus hook systemd for the journal and a search server', () => {
  const execOf = (args: string[]): string => {
    const r = spawnSync(process.execPath, [BIN, 'hook', 'systemd', '--db', '/srv/census.db', ...args], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').find((l) => l.startsWith('ExecStart='))!;
  };

  it('offers the journal form (units) and the central-logging form (URL, index), with no log files', () => {
    expect(execOf(['--unit', 'devstack@n-api', '--unit', 'haproxy'])).toBe(
      `ExecStart=/bin/sh -c 'exec ${process.execPath} ${BIN} ingest --quiet --db /srv/census.db --journal ` +
        `--unit devstack@n-api --unit haproxy'`,
    );
    expect(execOf(['--opensearch', 'https://10.0.0.10:9200', '--index', 'flog-*'])).toBe(
      `ExecStart=/bin/sh -c 'exec ${process.execPath} ${BIN} ingest --quiet --db /srv/census.db --opensearch ` +
        `https://10.0.0.10:9200 --index "flog-*"'`,
    );
    const r = spawnSync(process.execPath, [BIN, 'hook', 'logrotate', '--journal'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
  });
});
