/**
 * Other nova-api log messages a rule pack asks for by logger name
 * (ParseContext.messageLoggers), e.g. the os-hosts controller's INFO lines
 * (nova-logs.md §1c):
 *   nova.api.openstack.compute.hosts                    Kilo →: `Enabling host X.`, `Disabling host X.`,
 *                                                       `Putting host X in maintenance mode True.`
 *   nova.api.openstack.compute.legacy_v2.contrib.hosts  Liberty–Mitaka legacy v2: same messages
 *   nova.api.openstack.compute.contrib.hosts            Juno: the same at AUDIT level
 * Any other line gives null.
 */
import {
  emptyContext,
  looksLikeOsloLine,
  newOsloHeader,
  readContext,
  readOsloHeader,
  type ContextFields,
} from './nova-oslo.js';
import type { LineParser, MessageRecord, ParseContext, Sample } from './types.js';

const header = newOsloHeader();
const context: ContextFields = emptyContext();

/**
 * ` <logger> ` needles for the current set, rebuilt only when the set object
 * changes (once per file): a line is header-parsed only if one is in it.
 */
let needlesFor: ReadonlySet<string> | null = null;
let needles: string[] = [];

function loggerNeedles(loggers: ReadonlySet<string>): string[] {
  if (loggers !== needlesFor) {
    needlesFor = loggers;
    needles = [...loggers].map((l) => ` ${l} `);
  }
  return needles;
}

function mentionsAny(payload: string, list: readonly string[]): boolean {
  for (const n of list) if (payload.indexOf(n) !== -1) return true;
  return false;
}

const T = Date.UTC;

const samples: Sample[] = [
  {
    note:
      'constructed: central-logging.md §7 (`journalctl -o json` entry; the oslo time in MESSAGE wins over the ' +
      "journal's)",
    line:
      '{"MESSAGE":"2024-05-02 09:15:09.001 2211 INFO nova.api.openstack.compute.hosts [None ' +
      'req-77aa0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 ' +
      '- - default default] Disabling host cmp-01.",' +
      '"_HOSTNAME":"ctl1","__REALTIME_TIMESTAMP":"1714641309001999",' +
      '"SYSLOG_IDENTIFIER":"nova-api-os-compute","__CURSOR":"s=aa;i=2;b=bb;m=1;t=6177509b;x=cc"}',
    expect: {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 9, 1),
      offsetMin: null,
      logger: 'nova.api.openstack.compute.hosts',
      level: 'INFO',
      requestId: 'req-77aa0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
      message: 'Disabling host cmp-01.',
      host: 'ctl1',
    },
  },
  {
    note:
      'constructed: nova/api/openstack/compute/hosts.py LOG.info("Disabling host %s.") (Kilo+, nova-logs.md §1c), ' +
      'Zed+ context',
    line:
      '2024-05-02 09:15:09.001 2211 INFO nova.api.openstack.compute.hosts [None ' +
      'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] Disabling host cmp-01.',
    expect: {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 9, 1),
      offsetMin: null,
      logger: 'nova.api.openstack.compute.hosts',
      level: 'INFO',
      requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
      message: 'Disabling host cmp-01.',
      host: null,
    },
  },
  {
    note:
      'constructed: hosts.py "Putting host %(host_name)s in maintenance mode %(mode)s." (nova-logs.md §1c), ' +
      'Liberty–Yoga context',
    line:
      '2018-02-01 11:00:00.000 900 INFO nova.api.openstack.compute.hosts [req-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - default default] Putting host cmp-02 in ' +
      'maintenance mode True.',
    expect: {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: Date.UTC(2018, 1, 1, 11, 0, 0),
      offsetMin: null,
      logger: 'nova.api.openstack.compute.hosts',
      level: 'INFO',
      requestId: 'req-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      message: 'Putting host cmp-02 in maintenance mode True.',
      host: null,
    },
  },
  {
    note: 'constructed: Juno contrib/hosts.py LOG.audit (AUDIT level, nova-logs.md §1c), 3-token context',
    line:
      '2014-11-20 16:40:12.345 3001 AUDIT nova.api.openstack.compute.contrib.hosts ' +
      '[req-2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e 0a1b2c3d4e5f40718293a4b5c6d7e8f9 f9e8d7c6b5a4493827161f0e0d0c0b0a] ' +
      'Enabling host cmp-03.',
    expect: {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: T(2014, 10, 20, 16, 40, 12, 345),
      offsetMin: null,
      logger: 'nova.api.openstack.compute.contrib.hosts',
      level: 'AUDIT',
      requestId: 'req-2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
      message: 'Enabling host cmp-03.',
      host: null,
    },
  },
  {
    note: 'constructed: Liberty–Mitaka legacy_v2/contrib/hosts.py, behind `journalctl -o short`',
    line:
      'Apr 11 08:00:01 ctl2 nova-api[4000]: 2016-04-11 08:00:01.250 4000 INFO ' +
      'nova.api.openstack.compute.legacy_v2.contrib.hosts [req-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - -] Enabling host cmp-04.',
    expect: {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: T(2016, 3, 11, 8, 0, 1, 250),
      offsetMin: null,
      logger: 'nova.api.openstack.compute.legacy_v2.contrib.hosts',
      level: 'INFO',
      requestId: 'req-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
      message: 'Enabling host cmp-04.',
      host: 'ctl2',
    },
  },
  {
    note: 'constructed: devstack journal form (no time, no pid) of the hosts controller line; time from the envelope',
    line:
      'May 02 09:15:09 devstack devstack@n-api.service[2211]: INFO nova.api.openstack.compute.hosts [None ' +
      'req-4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a admin admin] Enabling host devstack.',
    expect: {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 9),
      offsetMin: null,
      logger: 'nova.api.openstack.compute.hosts',
      level: 'INFO',
      requestId: 'req-4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
      message: 'Enabling host devstack.',
      host: 'devstack',
    },
  },
  {
    note: 'constructed: a logger not asked for (nova.api.openstack.wsgi) gives null',
    line:
      '2024-05-02 09:15:09.001 2211 INFO nova.api.openstack.wsgi [None req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - default default] HTTP exception ' +
      'thrown: The requested functionality is not supported.',
    expect: null,
  },
  {
    note: "constructed: an asked-for logger named inside another logger's message gives null",
    line:
      '2014-04-16 21:01:48.790 8459 AUDIT nova.api.openstack.extensions [-] Loaded extension: os-hosts ( ' +
      'nova.api.openstack.compute.contrib.hosts )',
    expect: null,
  },
  {
    note: 'constructed: a multi-line DEBUG continuation (no header) gives null',
    line: 'x-compute-request-id: req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c nova.api.openstack.compute.hosts ',
    expect: null,
  },
];

export const novaMessageParser: LineParser = {
  name: 'nova-message',
  title: 'nova-api log message from a logger a rule pack asked for',
  url: 'https://opendev.org/openstack/nova/src/branch/master/nova/api/openstack/compute/hosts.py',
  layer: 'nova',
  // claims has no ctx: accept anything shaped like an oslo line; parse filters by logger.
  claims: looksLikeOsloLine,
  needles: (ctx) => loggerNeedles(ctx.messageLoggers),
  parse(payload: string, ctx: ParseContext): MessageRecord | null {
    if (ctx.messageLoggers.size === 0) return null;
    if (!mentionsAny(payload, loggerNeedles(ctx.messageLoggers))) return null;
    if (!readOsloHeader(payload, header) || !ctx.messageLoggers.has(header.logger)) return null;
    readContext(header.context, context);
    return {
      kind: 'message',
      parser: 'nova-message',
      layer: 'nova',
      wallMs: header.wallMs,
      offsetMin: null,
      logger: header.logger,
      level: header.level,
      requestId: context.requestId,
      message: header.text.slice(header.messageStart).trimEnd(),
      host: null,
    };
  },
  samples,
};
