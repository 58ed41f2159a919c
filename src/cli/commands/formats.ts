/** `apicensus formats`: the log formats apicensus reads, in detection order. */
import type { CommandModule } from 'yargs';
import { FORMATS } from '../../../parsers/index.js';

export const formatsCommand: CommandModule = {
  command: 'formats',
  describe: 'List the log formats apicensus detects, with their line parsers',
  handler: () => {
    const out: string[] = [];
    for (const f of FORMATS) {
      out.push(`${f.name.padEnd(14)} ${f.title}`);
      for (const p of f.parsers) out.push(`  ${p.name.padEnd(22)} ${p.layer.padEnd(5)} ${p.title}`);
    }
    process.stdout.write(out.join('\n') + '\n');
  },
};
