import type { FileFormat } from './types.js';

/** nova-api's own logs (text and JSON). Filled in by the nova parser modules. */
export const NOVA_FORMATS: FileFormat[] = [];
