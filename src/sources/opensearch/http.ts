/**
 * HTTP to an OpenSearch or Elasticsearch cluster with npm's undici: its own `request` with its
 * own Agent (a custom CA needs an Agent, and an npm-undici Agent must not be given to Node's
 * global fetch, whose bundled undici differs: central-logging.md §4). JSON in and out;
 * 429 and 502-504 retried with back-off (Retry-After honoured); a dropped connection retried only
 * for requests that can be sent again (a scroll page cannot: the caller restarts its window).
 * Credentials come from a file or the environment, never the command line, and never appear
 * in a message.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { ExitCode, UserError } from '../../errors.js';

export interface ClientOptions {
  /** Base URL: scheme, host, port and any proxy path prefix; no credentials. */
  url: string;
  /** The option the URL came with, for messages (--opensearch, --elasticsearch). */
  option?: string;
  /** PEM file of the CA that signed the cluster's certificate (kolla's internal CA, say). */
  caFile?: string;
  /** The Authorization header, or null for none (kolla's OpenSearch has no auth on the internal VIP). */
  authorization?: string | null;
  /** Attempts after the first for 429/502/503/504 and dropped connections (default 6). */
  retries?: number;
  /** First back-off, doubled at each retry (default 500 ms). */
  backoffMs?: number;
  /** Per request, for the answer's headers and between body chunks (default 120 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (message: string) => void;
}

/** A non-2xx answer: its status and the error type and reason the server gave. */
export class SearchHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'SearchHttpError';
  }
}

/** The connection failed or dropped before a whole answer came. */
export class SearchNetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SearchNetworkError';
  }
}

export interface CallOptions {
  /** Query parameters. */
  query?: Record<string, string | number | boolean>;
  /** Safe to send again after a dropped connection (false for a scroll page: its answer cannot be asked for twice). */
  idempotent?: boolean;
  /** Ignore the client's abort signal (closing a cursor while the run stops). */
  noAbort?: boolean;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

/**
 * Failures worth sending again: a connection reset or dropped, a timeout. Not a refused
 * connection (a wrong URL, a server down: the next run tries again) nor a certificate.
 */
const TRANSIENT = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const transient = (e: unknown): boolean => {
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
  return code !== undefined && TRANSIENT.has(code);
};

/** `user:password`, or a whole scheme (`ApiKey …`, `Bearer …`, `Basic …`), as an Authorization header. */
function headerOf(secret: string, from: string): string {
  const s = secret.trim();
  if (/^(?:ApiKey|Bearer|Basic) \S+$/.test(s)) return s;
  if (s.includes(':') && !/\s/.test(s)) return `Basic ${Buffer.from(s).toString('base64')}`;
  throw new UserError(
    `${from} must hold "user:password", or "ApiKey <key>" / "Bearer <token>" / "Basic <base64>" on one line.`,
    ExitCode.usage,
  );
}

/**
 * The Authorization header from --auth-file, else APICENSUS_SEARCH_API_KEY, else
 * APICENSUS_SEARCH_USER and APICENSUS_SEARCH_PASSWORD; null for none.
 */
export function authorizationFrom(authFile: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (authFile) {
    let text: string;
    try {
      text = readFileSync(authFile, 'utf8');
    } catch (e) {
      throw new UserError(`--auth-file ${authFile}: ${(e as Error).message}`, ExitCode.usage);
    }
    return headerOf(text.split('\n')[0] ?? '', `--auth-file ${authFile}`);
  }
  if (env.APICENSUS_SEARCH_API_KEY)
    return headerOf(`ApiKey ${env.APICENSUS_SEARCH_API_KEY}`, 'APICENSUS_SEARCH_API_KEY');
  if (env.APICENSUS_SEARCH_USER)
    return headerOf(`${env.APICENSUS_SEARCH_USER}:${env.APICENSUS_SEARCH_PASSWORD ?? ''}`, 'APICENSUS_SEARCH_USER');
  return null;
}

/** The base URL, refused when it carries credentials (`ps` shows the command line). */
export function baseUrl(url: string, option: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(
      `${option} "${url}" is not a URL (http://host:9200 or https://host:9200/prefix).`,
      ExitCode.usage,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UserError(`${option} must be an http:// or https:// URL.`, ExitCode.usage);
  if (u.username || u.password)
    throw new UserError(
      `${option}: put credentials in --auth-file or APICENSUS_SEARCH_USER / APICENSUS_SEARCH_PASSWORD (or ` +
        'APICENSUS_SEARCH_API_KEY), not in the URL: the command line is visible to every user (ps).',
      ExitCode.usage,
    );
  u.search = '';
  u.hash = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class SearchClient {
  readonly base: URL;
  private readonly agent: Agent;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(private readonly o: ClientOptions) {
    this.base = baseUrl(o.url, o.option ?? '--opensearch');
    let ca: Buffer | undefined;
    if (o.caFile) {
      try {
        ca = readFileSync(o.caFile);
      } catch (e) {
        throw new UserError(`--ca ${o.caFile}: ${(e as Error).message}`, ExitCode.usage);
      }
    }
    const timeout = o.timeoutMs ?? 120_000;
    this.agent = new Agent({ headersTimeout: timeout, bodyTimeout: timeout, ...(ca ? { connect: { ca } } : {}) });
    this.retries = o.retries ?? 6;
    this.backoffMs = o.backoffMs ?? 500;
  }

  /** Where the cluster is, for messages and the store: never with credentials. */
  get where(): string {
    return this.base.href.replace(/\/$/, '');
  }

  async call<T>(method: string, path: string, body?: unknown, c: CallOptions = {}): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, String(v));
    const signal = c.noAbort ? undefined : this.o.signal;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let status: number;
      let text: string;
      let retryAfter: string | string[] | undefined;
      try {
        const res = await request(url, {
          method: method as 'GET',
          dispatcher: this.agent,
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(this.o.authorization ? { authorization: this.o.authorization } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(signal ? { signal } : {}),
        });
        status = res.statusCode;
        retryAfter = res.headers['retry-after'];
        text = await res.body.text();
      } catch (e) {
        if (signal?.aborted) throw signal.reason as Error;
        if (!c.idempotent || !transient(e) || attempt >= this.retries)
          throw new SearchNetworkError(`${method} ${this.shown(url)}: ${(e as Error).message}`, { cause: e });
        const wait = this.backoffMs * 2 ** attempt;
        this.o.onRetry?.(`${method} ${this.shown(url)}: ${(e as Error).message}; retrying in ${wait} ms`);
        await sleep(wait, signal);
        continue;
      }
      if (status >= 200 && status < 300) return (text === '' ? {} : JSON.parse(text)) as T;
      if (RETRY_STATUS.has(status) && attempt < this.retries) {
        const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
        const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.backoffMs * 2 ** attempt;
        this.o.onRetry?.(`${method} ${this.shown(url)}: HTTP ${status}; retrying in ${wait} ms`);
        await sleep(wait, signal);
        continue;
      }
      throw errorOf(status, text, `${method} ${this.shown(url)}`);
    }
  }

  /** A request in a message: its path (the query is long and says nothing the path does not). */
  private shown(url: URL): string {
    return url.pathname;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The error type and reason of an error answer (`{"error":{"type":…,"reason":…,"root_cause":[…]}}`). */
function errorOf(status: number, text: string, what: string): SearchHttpError {
  let type: string | null = null;
  let reason = text.slice(0, 300);
  try {
    const j = JSON.parse(text) as {
      error?: { type?: string; reason?: string; root_cause?: { reason?: string }[] } | string;
    };
    if (typeof j.error === 'string') reason = j.error;
    else if (j.error) {
      type = j.error.type ?? null;
      reason = [...new Set([j.error.reason, j.error.root_cause?.[0]?.reason].filter((x) => x))].join(': ') || reason;
    }
  } catch {
    // not JSON: the text as it came
  }
  return new SearchHttpError(status, type, `${what}: HTTP ${status}${type ? ` ${type}` : ''}: ${reason}`);
}
