import type { FileFormat } from './types.js';

/** Load balancers and web servers in front of nova-api. Filled in by the front-end parser modules. */
export const FRONTEND_FORMATS: FileFormat[] = [];
