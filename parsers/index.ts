/**
 * The registry of file formats, in detection order. Detection (src/ingest/detect.ts)
 * tries each format's signature on a file's first lines; the collision test
 * (test/parsers-collision.test.ts) proves every sample is detected as its own
 * format and read by its own parser, and names each line another format's
 * `claims` also accepts, with why it is harmless.
 */
import { AUDIT_FORMATS } from './audit-formats.js';
import { FRONTEND_FORMATS } from './frontend-formats.js';
import { NOVA_FORMATS } from './nova-formats.js';
import type { FileFormat, LineParser } from './types.js';

export const FORMATS: readonly FileFormat[] = [...NOVA_FORMATS, ...FRONTEND_FORMATS, ...AUDIT_FORMATS];

export function formatByName(name: string): FileFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}

/** Every line parser once, for sample tests. */
export function allParsers(): LineParser[] {
  const seen = new Set<LineParser>();
  for (const f of FORMATS) for (const p of f.parsers) seen.add(p);
  return [...seen];
}
