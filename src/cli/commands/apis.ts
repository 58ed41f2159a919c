/** `apicensus apis`: the rule packs apicensus knows, with their deprecation facts. */
import type { Argv, CommandModule } from 'yargs';
import { loadPacks, type RulePack } from '../../rules.js';
import { withRules } from '../common.js';

export function renderApis(packs: readonly RulePack[]): string {
  const out: string[] = [];
  for (const p of [...packs].sort((a, b) => a.service.localeCompare(b.service) || a.api.localeCompare(b.api))) {
    const dep = p.deprecated
      ? `deprecated${p.deprecated.microversion ? ` at ${p.deprecated.microversion}` : ''}${p.deprecated.release ? ` (${p.deprecated.release})` : ''}`
      : '';
    const rem = p.removed ? `removed in ${p.removed.release}` : '';
    const refusal = p.refusal
      ? `answers ${p.refusal.status}${p.refusal.fromMicroversion ? ` from ${p.refusal.fromMicroversion}` : ''}`
      : '';
    out.push(`${p.api} [${p.service}] — ${p.title}`);
    const facts = [dep, rem, refusal].filter(Boolean).join('; ');
    if (facts) out.push(`  ${facts}`);
    out.push(
      `  actions: ${p.actions.map((a) => (a.replacement === null ? a.name : `${a.name} → ${a.moveTo ?? 'replacement'}`)).join(', ')}`,
    );
    if (p.file) out.push(`  ${p.file}`);
  }
  return out.join('\n') + '\n';
}

export const apisCommand: CommandModule<object, { rules: string[]; format: 'text' | 'json' }> = {
  command: 'apis',
  describe: 'List the APIs apicensus can report on (its rule packs), with deprecation facts',
  builder: (y: Argv) =>
    withRules(y).option('format', { choices: ['text', 'json'] as const, default: 'text' as const }) as unknown as Argv<{
      rules: string[];
      format: 'text' | 'json';
    }>,
  handler: (a) => {
    const packs = loadPacks(a.rules);
    process.stdout.write(a.format === 'json' ? JSON.stringify(packs, null, 2) + '\n' : renderApis(packs));
  },
};
