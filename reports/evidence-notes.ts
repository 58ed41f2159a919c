/**
 * How the renderers word the report's own evidence: a front end and what decided its service,
 * and a time zone and where it came from (src/report/evidence.ts builds the rows).
 */
import type { FrontendRow } from './model.js';

/**
 * "nova_api_front (6; /v2.1 path)", "vol_public → unknown (1; …)": a front end and what decided it, for the renderers.
 */
export function frontendText(f: FrontendRow, withService: boolean): string {
  return (
    `${nameOf(f.name)}${withService ? ` → ${f.service}` : ''} (${f.requests.toLocaleString('en-US')}; ` +
    `${f.evidence})`
  );
}

/** "Europe/Berlin (the machine's zone)", "UTC (by option)": a zone and where it came from. */
export const zoneText = (zone: string | null, machineZone: string | null): string =>
  zone === null
    ? 'n/a'
    : machineZone === null
      ? zone
      : zone === machineZone
        ? `${zone} (the machine's zone)`
        : `${zone} (by option)`;

const nameOf = (name: string): string => name || '(unnamed)';
