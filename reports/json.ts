/** The versioned JSON contract (docs/report-schema.md). */
import type { Report } from './model.js';

export const renderJson = (r: Report): string => JSON.stringify(r, null, 2) + '\n';
