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
    // One value per --rules: files may follow it (`--rules X.json FILE`).
    nargs: 1,
    describe: 'Extra rule pack file (JSON) describing an API to count (repeatable)',
    default: [] as string[],
  });
}

/** What a numeric option accepts: bounds, whole numbers only or not, and what the number counts. */
export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
  /** "a number of seconds", "a whole number of worker threads", "a year"…, for the message. */
  what: string;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The option's value as a number within its bounds, or a usage error naming the option and the value. */
export function checkNumber(name: string, value: unknown, rule: NumberRule): number | undefined {
  if (value === undefined) return undefined;
  const range = `${rule.what} from ${rule.min} to ${rule.max}`;
  if (Array.isArray(value))
    throw usageError(`--${name} is given ${value.length} times (${value.join(', ')}): give it once, as ${range}.`);
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw usageError(`--${name} ${String(value)} is not a number: give ${range}.`);
  if (rule.integer && !Number.isInteger(n))
    throw usageError(`--${name} ${String(value)} is not a whole number: give ${range}.`);
  if (n < rule.min || n > rule.max) throw usageError(`--${name} ${String(value)} is out of range: give ${range}.`);
  return n;
}

/**
 * A numeric option. Declared without a yargs type so the value reaches the check as typed
 * (yargs' number type turns "abc" into NaN and loses it), one value each time, and checked
 * by a middleware before the command runs: exit 2 and a message naming the option and the value.
 */
export function withNumber<T>(
  y: Argv<T>,
  name: string,
  o: NumberRule & { describe: string; default?: number },
): Argv<T> {
  const camel = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return y
    .option(name, {
      describe: o.describe,
      requiresArg: true,
      ...(o.default !== undefined ? { default: o.default } : {}),
    })
    .middleware((argv) => {
      const args = argv as Record<string, unknown>;
      const n = checkNumber(name, args[name], o);
      args[name] = n;
      if (camel !== name) args[camel] = n;
    }, true);
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

/** The exit code a command asked for, reset for the next run of main() in the same process (tests). */
export function exitCodeRequested(): number {
  const code = requestedExitCode;
  requestedExitCode = 0;
  return code;
}
