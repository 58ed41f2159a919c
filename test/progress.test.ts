/** The ingest's progress line on a terminal: what it says and that it fits. */
import { describe, expect, it } from 'vitest';
import { clock, progressLine, terminalProgress } from '../src/cli/progress.js';

describe('progressLine(event, width)', () => {
  it('shows the file, a bar, the percentage, bytes of the total, the speed and the time left', () => {
    const line = progressLine({ path: '/var/log/nova/big.log', bytes: 125e6, total: 500e6, seconds: 2 }, 79);
    expect(line).toMatch(/^big\.log █+░+ {2}25% 125 MB of 500 MB · 62\.5 MB\/s · 0:06 left$/);
    expect([...line].length).toBe(79);
    expect(line.match(/█/g)!.length / line.match(/[█░]/g)!.length).toBeCloseTo(0.25, 1);
  });

  it('without a total (.gz, stdin): bytes and speed only, no made-up percentage', () => {
    expect(progressLine({ path: 'nova-api.log.1.gz', bytes: 30e6, total: null, seconds: 3 }, 79)).toBe(
      'nova-api.log.1.gz: 30.0 MB, 10.0 MB/s',
    );
  });

  it('fits a narrow terminal, shortening a long file name', () => {
    const line = progressLine({ path: `/x/${'n'.repeat(60)}.log`, bytes: 1e9, total: 4e9, seconds: 10 }, 60);
    expect([...line].length).toBeLessThanOrEqual(60);
    expect(line).toContain(' 25% 1.0 GB of 4.0 GB · 100 MB/s · 0:30 left');
  });

  it('clock(seconds) reads m:ss, or h:mm:ss past an hour', () => {
    expect([clock(5), clock(65), clock(3725)]).toEqual(['0:05', '1:05', '1:02:05']);
  });
});

describe('terminalProgress(stream)', () => {
  const fake = (): { writes: string[]; stream: NodeJS.WriteStream } => {
    const writes: string[] = [];
    return {
      writes,
      stream: { columns: 60, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream,
    };
  };

  it('redraws one line in place and wipes it when done', () => {
    const { writes, stream } = fake();
    const p = terminalProgress(stream);
    p.update({ path: 'a.log', bytes: 1e6, total: 2e6, seconds: 1 });
    p.update({ path: 'a.log', bytes: 2e6, total: 2e6, seconds: 2 });
    p.done();
    expect(writes).toHaveLength(3);
    expect(writes[0]!.startsWith('\ra.log ')).toBe(true);
    expect(writes[0]!.endsWith('\x1b[K')).toBe(true);
    expect(writes[0]).toContain(' 50% 1.0 MB of 2.0 MB');
    expect(writes[1]).toMatch(/100% 2\.0 MB of 2\.0 MB/);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('writes nothing at all when nothing was drawn (a small file read in under a second)', () => {
    const { writes, stream } = fake();
    terminalProgress(stream).done();
    expect(writes).toEqual([]);
  });
});
