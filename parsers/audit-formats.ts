/**
 * keystonemiddleware audit (CADF) events (parsers/cadf.ts). Two file formats,
 * because detection decides per file and these are the two kinds of file the
 * events land in:
 *
 *  - cadf-json: one JSON document per line (or a JSON array, which the ingest
 *    layer streams back as lines): oslo.messaging notifications, their v2
 *    envelopes and bare CADF events, in any mix (a dump may hold several), and
 *    oslo.log JSONFormatter records of the two audit loggers. Signature: a
 *    JSON object that names an audit event type or the CADF event typeURI.
 *    Never nova-json's (its records have `"name": "nova.…"`; an audit target
 *    has `"name": "nova"`, without the dot) nor kolla's HAProxy JSON (`"Payload"`).
 *  - cadf-oslo: oslo.log text lines of the oslo.messaging log driver
 *    (logger oslo.messaging.notification.audit.http.*) and of keystonemiddleware's
 *    log notifier (`Event type: audit.http.*, Context: …`). Not anchored: a
 *    container runtime may put its own prefix before the oslo header. Never the
 *    `nova` signature's lines (that needs a `nova.` logger after the level).
 *
 * In a nova-api.log these lines sit between nova's own: join the formats with
 * cadf-oslo FIRST (nova-message claims every oslo-shaped line).
 */
import { cadfJsonParser, cadfKsmLogParser, cadfOsloNotificationParser } from './cadf.js';
import type { FileFormat } from './types.js';

export const AUDIT_FORMATS: FileFormat[] = [
  {
    name: 'cadf-json',
    title: 'keystonemiddleware CADF audit events (JSON notifications, oslo.messaging envelopes, bare events)',
    parsers: [cadfJsonParser],
    signature: new RegExp(
      String.raw`^\{(?=.*(?:audit\.http\.(?:request|response)|"typeURI": ` +
        String.raw`?"http:\/\/schemas\.dmtf\.org\/cloud\/audit\/1\.0\/event"))`,
    ),
    json: true,
  },
  {
    name: 'cadf-oslo',
    title:
      'keystonemiddleware CADF audit events in an oslo.log text log (log driver JSON, or log notifier Python repr)',
    parsers: [cadfOsloNotificationParser, cadfKsmLogParser],
    signature: new RegExp(
      String.raw` oslo\.messaging\.notification\.audit\.http\.(?:request|response) |Event type: audit\.http\.` +
        String.raw`(?:request|response), Context: `,
    ),
  },
];
