/**
 * Load balancers and web servers in front of nova-api (lb-logs.md §5 table).
 * Signatures are tried on payload lines (envelope stripped) in this order;
 * each matches only its own lines, never nova's oslo lines
 * (`2024-05-02 09:15:01.337 2211 INFO nova.… [req-…] …`).
 */
import { awsAlb } from './alb.js';
import { compileHttplogScanner } from './haproxy-access-scan.js';
import { apacheCombined, apacheCommon, apacheKolla, apacheVhost } from './apache.js';
import { HAPROXY_PAYLOAD_PARSERS, haproxyKollaJson } from './haproxy-kolla-json.js';
import { haproxyEvent } from './haproxy-other.js';
import { octaviaAmphora } from './octavia.js';
import { uwsgiBanner, uwsgiRequest } from './uwsgi.js';
import type { FileFormat } from './types.js';

const CLF_DATE = String.raw`\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d`;

export const FRONTEND_FORMATS: FileFormat[] = [
  {
    name: 'haproxy-json',
    title: 'HAProxy log in kolla-ansible Fluentd JSON (haproxy_latest.log)',
    json: true,
    parsers: [haproxyKollaJson],
    // A JSON object with a Payload that is an HAProxy message.
    signature: /^\{(?=.*"Payload":")(?=.*(?:"programname":"haproxy"|haproxy\[\d+\]: ))/,
  },
  {
    name: 'haproxy',
    title: 'HAProxy httplog / httplog clf / tcplog and events (syslog, journald, RFC 5424, raw)',
    // Octavia amphora lines are HAProxy lines too and may share a syslog file.
    parsers: [...HAPROXY_PAYLOAD_PARSERS],
    httplogScanner: compileHttplogScanner,
    signature: new RegExp(
      String.raw`^(?:\S+:\d+ \[${CLF_DATE}(?:\.\d+)?\] \S+ ` + // httplog, tcplog, error log
        String.raw`|\S+ - - \[${CLF_DATE} [+-]\d{4}\] "[^"]*" -?\d+ \+?\d+ "" "" \d+ \d+ "` + // httplog clf
        String.raw`|Proxy \S+ (?:started|stopped)|Connect from \S+ to \S+ \()`,
    ),
  },
  {
    name: 'octavia',
    title: 'Octavia amphora tenant flow log',
    parsers: [octaviaAmphora, haproxyEvent],
    signature: new RegExp(
      String.raw`^[0-9a-f]{32} [0-9a-f]{8}-[0-9a-f-]{27} [0-9a-f]{8}-[0-9a-f-]{27} \S+ \d+ ${CLF_DATE}`,
    ),
  },
  {
    name: 'alb',
    title: 'AWS Application Load Balancer access log',
    parsers: [awsAlb],
    signature:
      /^(?:https?|h2|grpcs|wss?) \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z \S+ \S+ \S+ -?[\d.]+ -?[\d.]+ -?[\d.]+ /,
  },
  {
    name: 'uwsgi',
    title: 'uWSGI default request log',
    parsers: [uwsgiRequest, uwsgiBanner],
    signature: new RegExp(
      String.raw`\[pid: \d+\|app: -?\d+\|req: -?\d+\/\d+\] .* => generated \d+ bytes in \d+ (?:msecs|micros)|^\*\*\* ` +
        String.raw`Starting uWSGI `,
    ),
  },
  {
    name: 'apache',
    title: 'Apache / nginx access log (combined, common, vhost_combined, kolla nova-api-access)',
    parsers: [apacheVhost, apacheKolla, apacheCombined, apacheCommon],
    // Not HAProxy's clf lines (`"" "" port ms "frontend"` after the bytes).
    signature: new RegExp(
      String.raw`^(?!\S+ - - \[[^\]]*\] "[^"]*" -?\d+ \+?\d+ "" "" \d+ \d+ ")` +
        String.raw`(?:[^\s:]+:\d+ )?[^\s,]+(?:, ?[^\s,]+)* \S+ \S+ \[${CLF_DATE}(?:\.\d+)?(?: [+-]\d{4})?\] "`,
    ),
  },
];
