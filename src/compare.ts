/**
 * `apicensus compare OLD NEW`: what changed between two reports (or two
 * exports) of the same cloud: actions, callers (projects) and client families
 * that appeared or stopped, and counts that rose or fell. "Something new
 * calls the API" — a deprecated or removed API gained an action, a caller or
 * a client family — is what a scheduled job alerts on (exit status 1; 2 is
 * trouble, as with diff(1): see src/cli/commands/share.ts).
 */
import { readFileSync } from 'node:fs';
import { EXPORT_SCHEMA, EXPORT_SCHEMA_V1, type Export } from '../reports/export-model.js';
import { REPORT_SCHEMA, type Report } from '../reports/model.js';
import { UserError } from './errors.js';
import { parseExport } from './merge.js';

/** One API's calls in one file, by the dimensions compare looks at. */
interface Census {
  api: string;
  deprecated: boolean;
  calls: number;
  dims: Record<Dimension, Map<string, number>>;
}

export type Dimension = 'action' | 'caller' | 'client';
const DIMENSIONS: readonly Dimension[] = ['action', 'caller', 'client'];

export interface Change {
  api: string;
  dimension: Dimension;
  name: string;
  old: number;
  new: number;
  change: 'appeared' | 'stopped' | 'rose' | 'fell';
}

export interface Comparison {
  kind: 'report' | 'export';
  old: { file: string; generatedAt: string };
  new: { file: string; generatedAt: string };
  apis: { api: string; deprecated: boolean; oldCalls: number; newCalls: number }[];
  changes: Change[];
  /** A deprecated or removed API gained an action, a caller or a client family. */
  somethingNewCalls: boolean;
}

type Loaded = { kind: 'report'; doc: Report } | { kind: 'export'; doc: Export };

function load(file: string): Loaded {
  let doc: { schema?: unknown };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as { schema?: unknown };
  } catch (e) {
    throw new UserError(
      `${file}: not a readable JSON report or export (${(e as Error).message}). Write one with ` +
        `\`apicensus report --format json\` or \`apicensus export\`.`,
    );
  }
  if (doc.schema === REPORT_SCHEMA) return { kind: 'report', doc: doc as Report };
  if (doc.schema === EXPORT_SCHEMA || doc.schema === EXPORT_SCHEMA_V1)
    return { kind: 'export', doc: parseExport(doc, file) };
  throw new UserError(
    `${file}: schema ${String(doc.schema)} is neither ${REPORT_SCHEMA} nor ${EXPORT_SCHEMA} (or ${EXPORT_SCHEMA_V1}).`,
  );
}

const add = (m: Map<string, number>, k: string, n: number): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};

function censusOf(l: Loaded): Census[] {
  if (l.kind === 'report') {
    return l.doc.apis.map((a) => {
      const dims = {
        action: new Map<string, number>(),
        caller: new Map<string, number>(),
        client: new Map<string, number>(),
      };
      for (const x of a.actions) add(dims.action, x.action, x.calls);
      for (const p of a.byProject) add(dims.caller, p.project, p.calls);
      for (const c of a.byClient) add(dims.client, c.client, c.calls);
      return { api: a.api, deprecated: a.deprecated !== null || a.removed !== null, calls: a.calls, dims };
    });
  }
  return l.doc.apis.map((a) => {
    const dims = {
      action: new Map<string, number>(),
      caller: new Map<string, number>(),
      client: new Map<string, number>(),
    };
    let calls = 0;
    for (const d of a.days) {
      for (const r of d.rows) {
        calls += r.calls;
        add(dims.action, r.action, r.calls);
        add(dims.caller, r.project ?? '(unknown)', r.calls);
        add(dims.client, r.client, r.calls);
      }
    }
    return { api: a.api, deprecated: a.deprecated !== null || a.removed !== null, calls, dims };
  });
}

export function compareFiles(oldFile: string, newFile: string): Comparison {
  const a = load(oldFile);
  const b = load(newFile);
  if (a.kind !== b.kind)
    throw new UserError(`Compare two reports or two exports: ${oldFile} is a ${a.kind}, ${newFile} is a ${b.kind}.`);
  if (a.kind === 'export' && b.kind === 'export' && a.doc.deployment.id !== b.doc.deployment.id) {
    throw new UserError(
      `${oldFile} and ${newFile} come from different deployments; their hashed projects cannot ` +
        `be compared. Use \`apicensus merge\` across clouds.`,
    );
  }
  const olds = new Map(censusOf(a).map((c) => [c.api, c]));
  const news = new Map(censusOf(b).map((c) => [c.api, c]));
  const changes: Change[] = [];
  const apis: Comparison['apis'] = [];
  for (const api of [...new Set([...olds.keys(), ...news.keys()])].sort()) {
    const o = olds.get(api);
    const n = news.get(api);
    apis.push({ api, deprecated: (o ?? n)!.deprecated, oldCalls: o?.calls ?? 0, newCalls: n?.calls ?? 0 });
    for (const dimension of DIMENSIONS) {
      const om = o?.dims[dimension] ?? new Map<string, number>();
      const nm = n?.dims[dimension] ?? new Map<string, number>();
      for (const name of [...new Set([...om.keys(), ...nm.keys()])].sort()) {
        const ov = om.get(name) ?? 0;
        const nv = nm.get(name) ?? 0;
        if (ov === nv) continue;
        const change = ov === 0 ? 'appeared' : nv === 0 ? 'stopped' : nv > ov ? 'rose' : 'fell';
        changes.push({ api, dimension, name, old: ov, new: nv, change });
      }
    }
  }
  const deprecated = new Set(apis.filter((x) => x.deprecated).map((x) => x.api));
  return {
    kind: a.kind,
    old: { file: oldFile, generatedAt: a.doc.generatedAt },
    new: { file: newFile, generatedAt: b.doc.generatedAt },
    apis,
    changes,
    somethingNewCalls: changes.some((c) => c.change === 'appeared' && deprecated.has(c.api)),
  };
}

export function renderComparison(c: Comparison): string {
  const out = [`Comparing ${c.kind}s: ${c.old.file} (${c.old.generatedAt}) → ${c.new.file} (${c.new.generatedAt})`];
  for (const a of c.apis) {
    out.push('');
    out.push(`${a.api}${a.deprecated ? ' (deprecated)' : ''}: ${a.oldCalls} → ${a.newCalls} calls`);
    const mine = c.changes.filter((x) => x.api === a.api);
    if (mine.length === 0) out.push('  no change');
    for (const x of mine) out.push(`  ${x.change.padEnd(8)} ${x.dimension.padEnd(6)} ${x.name}: ${x.old} → ${x.new}`);
  }
  out.push('');
  out.push(
    c.somethingNewCalls
      ? 'Something new calls a deprecated API (exit status 1).'
      : 'Nothing new calls a deprecated API (exit status 0).',
  );
  return out.join('\n') + '\n';
}
