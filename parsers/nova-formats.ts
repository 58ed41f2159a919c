import { compileNovaScanner } from './nova-access-scan.js';
import { novaEventletParser } from './nova-eventlet.js';
import { novaJsonParser } from './nova-json.js';
import { novaMessageParser } from './nova-message.js';
import { novaRequestlogParser } from './nova-requestlog.js';
import type { FileFormat } from './types.js';

/**
 * nova-api's own logs (text and JSON).
 *
 * Text signature: an oslo.log header (time and pid optional, as in the Havana
 * devstack and devstack journal forms, maybe after a devstack ANSI colour)
 * whose logger is `nova.…` (nova-logs.md §2). HAProxy, Apache and uWSGI lines
 * never have a level word followed by a dotted `nova.` logger.
 * JSON signature: a JSONFormatter object with `"name": "nova.…"`.
 */
export const NOVA_FORMATS: FileFormat[] = [
  {
    name: 'nova',
    title: 'nova-api log (oslo.log text)',
    parsers: [novaEventletParser, novaRequestlogParser, novaMessageParser],
    scanner: (ctx) => compileNovaScanner(ctx.messageLoggers, ctx.anchorRun, ctx.warm),
    signature:
      // \x1b (ESC) starts the ANSI colours of devstack's journal.
      new RegExp(
        String.raw`^(?:\x1b\[[0-9;]*m)?(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? (?:\d+ )?)?(?:TRACE|DEBUG|INFO` +
          String.raw`|AUDIT|WARNING|ERROR|CRITICAL) nova\.[\w.]+ `,
      ),
  },
  {
    name: 'nova-json',
    title: 'nova-api log (oslo.log JSONFormatter)',
    parsers: [novaJsonParser],
    signature: /^\{.*"name": ?"nova\./,
    json: true,
  },
];
