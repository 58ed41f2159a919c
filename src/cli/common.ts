/** Options and helpers shared by the CLI commands. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { bundledRulesDir } from '../rules.js';
import { usageError } from '../errors.js';

/** The package root (where package.json, rules/ and samples/ live). */
export const packageRoot = (): string => join(bundledRulesDir(), '..');

export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export const DEFAULT_DB = './apicensus.db';

export function withDb<T>(y: Argv<T>) {
  return y.option('db', {
    type: 'string',
    describe: 'SQLite database file (default: $APICENSUS_DB or ./apicensus.db)',
    default: process.env.APICENSUS_DB || DEFAULT_DB,
    defaultDescription: '$APICENSUS_DB or ./apicensus.db',
  });
}

export function withRules<T>(y: Argv<T>) {
  return y.option('rules', {
    type: 'string',
    array: true,
    describe: 'Extra rule pack file(s) (JSON) describing an API to count',
    default: [] as string[],
  });
}

const RELATIVE = /^(\d+)\s*([hdw])$/;

/** `2024-05-01`, `2024-05-01T10:00:00Z`, or `7d` / `12h` / `2w` ago. */
export function parseTimeArg(value: string | undefined, name: string, now = Date.now()): number | null {
  if (value === undefined || value === '') return null;
  const rel = RELATIVE.exec(value.trim());
  if (rel) {
    const unit = rel[2] === 'h' ? 3_600_000 : rel[2] === 'd' ? 86_400_000 : 7 * 86_400_000;
    return now - Number(rel[1]) * unit;
  }
  const text = /^\d{4}-\d\d-\d\d$/.test(value) ? `${value}T00:00:00Z` : value;
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw usageError(`--${name} "${value}" is not a date: use 2024-05-01, 2024-05-01T10:00:00Z, or 7d / 12h / 2w ago.`);
  return t;
}

let requestedExitCode = 0;

/** A command that finished but must exit non-zero (some inputs failed, a check found problems) says so here. */
export function setExitCode(code: number): void {
  requestedExitCode = Math.max(requestedExitCode, code);
}

export const exitCodeRequested = (): number => requestedExitCode;
