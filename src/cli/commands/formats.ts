/** `apicensus formats`: the log formats apicensus reads, in detection order. */
import type { CommandModule } from 'yargs';
import { FORMATS } from '../../../parsers/index.js';
import { wrapHanging } from '../../../reports/format.js';

const WIDTH = 80;

/** Each format, then its line parsers (name, layer, title), wrapped to 80 columns. */
export function renderFormats(formats: typeof FORMATS): string {
  const out: string[] = [];
  for (const f of formats) {
    out.push(wrapHanging(f.title, WIDTH, `${f.name.padEnd(14)} `, ' '.repeat(15)));
    for (const p of f.parsers)
      out.push(wrapHanging(p.title, WIDTH, `  ${p.name.padEnd(20)} ${p.layer.padEnd(5)} `, ' '.repeat(29)));
  }
  return out.join('\n') + '\n';
}

export const formatsCommand: CommandModule = {
  command: 'formats',
  describe: 'List the log formats apicensus detects, with their line parsers',
  handler: () => {
    process.stdout.write(renderFormats(FORMATS));
  },
};
