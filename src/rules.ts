/**
 * Rule packs: the routes, actions, replacements and deprecation facts of one
 * API, declared in a JSON file (rules/*.json), not in code. Classification of
 * every request runs from the packs loaded here.
 *
 * A pack owns the requests whose resource path holds one of its anchor
 * segments (by default the first literal segment of each route) at the
 * position a route of the pack has it: a request to an anchor that no route
 * matches is that pack's action "other".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from './errors.js';
import { JsonSyntaxError, parseJsonWithPositions } from './json-positions.js';

export interface PackAction {
  name: string;
  /** The full replacement (call and CLI), or null when there is none. */
  replacement: string | null;
  /** The short name of what to move to ("os-hypervisors"), for the verdict. */
  moveTo?: string;
  note?: string;
}

export interface PackRoute {
  method: string;
  path: string;
  action: string;
  /** Name of the `{variable}` in path that names the call's target (host, service id…). */
  target?: string;
  /**
   * Only for CADF audit events: the event's action (`update/addFixedIp`). Such a
   * route matches audit records with that action and never an access-log line,
   * whose body (and so the server action) is not logged.
   */
  auditAction?: string;
}

export interface PackEffect {
  loggers: string[];
  /** Regular expression over the message; a named group `host` (or `target`) gives the target. */
  message: string;
  action: string;
  /** The route action this effect makes precise (a PUT whose body the log does not show). */
  refines: string;
  source?: string;
}

export interface PackSample {
  method: string;
  path: string;
  action: string;
  target?: string | null;
  /** For packs that are not compute: the service the sample request is sent to. */
  service?: string;
  /** A CADF audit event's action, for samples of audit-only routes (method '*' when the action does not say it). */
  auditAction?: string;
}

export interface RulePack {
  api: string;
  /** Service type the API belongs to: compute, block-storage, image… */
  service: string;
  title: string;
  description?: string;
  source?: string;
  deprecated: { microversion?: string | null; release?: string | null; source: string } | null;
  removed: { release: string; source: string } | null;
  /** The answer a deprecated or removed call gets. */
  refusal: { status: number; fromMicroversion?: string | null; source?: string } | null;
  anchors?: string[];
  actions: PackAction[];
  routes: PackRoute[];
  effects: PackEffect[];
  samples: PackSample[];
  /** File the pack came from (set by the loader). */
  file?: string;
}

// ---------------------------------------------------------------- validation

type Problem = { pointer: string; message: string };

type Need = (ok: boolean, pointer: string, message: string) => void;

const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/** api, service, title, and the deprecated / removed / refusal objects. */
function validateHead(p: Record<string, unknown>, need: Need): void {
  need(isStr(p.api), '/api', '"api" must be a non-empty string (the API name, e.g. "os-hosts")');
  need(isStr(p.service), '/service', '"service" must be a service type such as "compute" or "block-storage"');
  need(isStr(p.title), '/title', '"title" must be a non-empty string');
  for (const key of ['deprecated', 'removed', 'refusal'] as const) {
    need(
      p[key] === null || (typeof p[key] === 'object' && !Array.isArray(p[key])),
      `/${key}`,
      `"${key}" must be an object or null`,
    );
  }
  if (p.refusal && typeof p.refusal === 'object') {
    const r = p.refusal as Record<string, unknown>;
    need(Number.isInteger(r.status), '/refusal/status', '"refusal.status" must be an HTTP status code (404, 410…)');
  }
  if (p.removed && typeof p.removed === 'object')
    need(
      isStr((p.removed as Record<string, unknown>).release),
      '/removed/release',
      '"removed.release" must name the release',
    );
}

/** The actions; returns the names of those that have one. */
function validateActions(p: Record<string, unknown>, need: Need): Set<string> {
  const actions = new Set<string>();
  if (!Array.isArray(p.actions) || p.actions.length === 0)
    need(false, '/actions', '"actions" must be a non-empty array');
  else
    p.actions.forEach((a: unknown, i) => {
      const o = (a ?? {}) as Record<string, unknown>;
      need(isStr(o.name), `/actions/${i}`, 'each action needs a "name"');
      need(
        o.replacement === null || typeof o.replacement === 'string',
        `/actions/${i}`,
        `action "${String(o.name)}" needs "replacement": a string or null`,
      );
      need(
        o.moveTo === undefined || isStr(o.moveTo),
        `/actions/${i}/moveTo`,
        `action "${String(o.name)}": "moveTo" must be a short API name`,
      );
      if (isStr(o.name)) actions.add(o.name);
    });
  return actions;
}

function validateRoutes(p: Record<string, unknown>, actions: ReadonlySet<string>, need: Need): void {
  if (!Array.isArray(p.routes) || p.routes.length === 0) need(false, '/routes', '"routes" must be a non-empty array');
  else
    p.routes.forEach((r: unknown, i) => {
      const o = (r ?? {}) as Record<string, unknown>;
      need(
        isStr(o.method) && /^[A-Z]+$/.test(o.method),
        `/routes/${i}/method`,
        'route "method" must be an upper-case HTTP method',
      );
      need(
        isStr(o.path) && o.path.startsWith('/'),
        `/routes/${i}/path`,
        'route "path" must start with "/" (the path after version and project id)',
      );
      need(
        isStr(o.action) && actions.has(o.action),
        `/routes/${i}/action`,
        `route "action" must be one of the pack's actions (${[...actions].join(', ')})`,
      );
      if (o.auditAction !== undefined)
        need(
          isStr(o.auditAction),
          `/routes/${i}/auditAction`,
          'route "auditAction" must be a CADF action such as "update/addFixedIp"',
        );
      if (o.target !== undefined)
        need(
          isStr(o.target) && isStr(o.path) && o.path.includes(`{${o.target}}`),
          `/routes/${i}/target`,
          `route "target" must name a {variable} of its path`,
        );
    });
}

/** Effects: log messages that make an action precise (a matching line turns `refines` into `action`). */
function validateEffects(p: Record<string, unknown>, actions: ReadonlySet<string>, need: Need): void {
  if (p.effects !== undefined && !Array.isArray(p.effects)) need(false, '/effects', '"effects" must be an array');
  if (Array.isArray(p.effects))
    p.effects.forEach((e: unknown, i) => {
      const o = (e ?? {}) as Record<string, unknown>;
      need(
        Array.isArray(o.loggers) && o.loggers.length > 0 && o.loggers.every(isStr),
        `/effects/${i}/loggers`,
        'effect "loggers" must be a non-empty array of logger names',
      );
      let ok = isStr(o.message);
      if (ok) {
        try {
          new RegExp(o.message as string);
        } catch {
          ok = false;
        }
      }
      need(ok, `/effects/${i}/message`, 'effect "message" must be a valid regular expression');
      need(
        isStr(o.action) && actions.has(o.action),
        `/effects/${i}/action`,
        'effect "action" must be one of the pack\'s actions',
      );
      need(
        isStr(o.refines) && actions.has(o.refines),
        `/effects/${i}/refines`,
        'effect "refines" must be one of the pack\'s actions',
      );
    });
}

function validatePack(v: unknown): Problem[] {
  const problems: Problem[] = [];
  const need: Need = (ok, pointer, message) => {
    if (!ok) problems.push({ pointer, message });
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return [{ pointer: '', message: 'a rule pack is a JSON object' }];
  const p = v as Record<string, unknown>;
  validateHead(p, need);
  const actions = validateActions(p, need);
  validateRoutes(p, actions, need);
  if (!actions.has('other'))
    problems.push({
      pointer: '/actions',
      message: 'the actions must include "other" (a path under the API that no route matches)',
    });
  validateEffects(p, actions, need);
  if (p.samples !== undefined && !Array.isArray(p.samples))
    problems.push({ pointer: '/samples', message: '"samples" must be an array' });
  if (p.anchors !== undefined)
    need(
      Array.isArray(p.anchors) && p.anchors.every(isStr),
      '/anchors',
      '"anchors" must be an array of path segment names',
    );
  return problems;
}

/** Read and validate one pack file; errors name the file and the line. */
export function loadPackFile(file: string): RulePack {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`Cannot read rule pack ${file}: ${(e as Error).message}`);
  }
  return parsePack(text, file);
}

export function parsePack(text: string, file: string): RulePack {
  // A valid pack needs no positions: JSON.parse first (bench/: the positions of the 27 bundled
  // packs cost ~20 ms of every run); an invalid one is read again with them for its message.
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    plain = undefined;
  }
  if (plain !== undefined && validatePack(plain).length === 0) return finishPack(plain as RulePack, file);
  let parsed;
  try {
    parsed = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new UserError(`${file}:${e.line}: invalid JSON: ${e.message}`);
    throw e;
  }
  const problems = validatePack(parsed.value);
  if (problems.length > 0) {
    const lines = problems.map((pr) => `${file}:${parsed.lineOf(pr.pointer)}: ${pr.message}`);
    throw new UserError(`Invalid rule pack:\n${lines.join('\n')}`);
  }
  return finishPack(parsed.value as RulePack, file);
}

function finishPack(pack: RulePack, file: string): RulePack {
  pack.effects ??= [];
  pack.samples ??= [];
  pack.file = file;
  return pack;
}

/** The folder of bundled packs: <package root>/rules, found from this module in src/ or dist/src/. */
export function bundledRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, 'rules');
    } catch {
      dir = resolve(dir, '..');
    }
  }
  throw new Error('cannot find the apicensus package root (rules/ folder)');
}

export function loadBundledPacks(): RulePack[] {
  const dir = bundledRulesDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadPackFile(join(dir, f)));
}

/** Bundled packs plus user packs; a user pack replaces a bundled one of the same api name. */
export function loadPacks(userFiles: readonly string[] = []): RulePack[] {
  const packs = new Map<string, RulePack>();
  for (const p of loadBundledPacks()) packs.set(p.api, p);
  for (const f of userFiles) {
    const p = loadPackFile(f);
    packs.set(p.api, p);
  }
  return [...packs.values()];
}

// ---------------------------------------------------------------- classification

export interface Classification {
  api: string;
  action: string;
  target: string | null;
}

interface CompiledRoute {
  method: string;
  auditAction: string | null;
  /** Literal segment, or null for a {variable}. */
  segments: (string | null)[];
  action: string;
  targetIndex: number;
}

interface CompiledPack {
  pack: RulePack;
  routes: CompiledRoute[];
}

export interface CompiledEffect {
  api: string;
  action: string;
  refines: string;
  loggers: ReadonlySet<string>;
  pattern: RegExp;
}

export interface Classifier {
  packs: readonly RulePack[];
  /** Loggers whose messages can refine an action: the parsers' messageLoggers. */
  messageLoggers: ReadonlySet<string>;
  /** Services that have at least one pack. */
  services: ReadonlySet<string>;
  /**
   * A cheap test on a raw request target: false when no anchor of any pack can be
   * one of its segments, so it need not be normalised and classified.
   */
  mayMatch(service: string, uri: string): boolean;
  /**
   * mayMatch on ASCII bytes in place, one target segment at a time, for the nova scanner
   * (parsers/nova-access-scan.ts): whether a run between `/` and `/`, `?`, `#` or the end is an
   * anchor of the service's packs; null when the service has none. A target may match when any
   * run is an anchor or it holds a `%`.
   */
  anchorRun(service: string): AsciiAnchorRun | null;
  /**
   * `method` '*' (a CADF event, whose custom action does not say the HTTP
   * method) matches any route method; `auditAction` lets audit-only routes match.
   */
  classify(
    service: string,
    method: string,
    segments: readonly string[],
    auditAction?: string | null,
  ): Classification | null;
  effect(
    logger: string,
    message: string,
  ): { api: string; action: string; refines: string; target: string | null } | null;
}

function compileRoute(r: PackRoute): CompiledRoute {
  const segs = r.path.split('/').filter((s) => s !== '');
  let targetIndex = -1;
  const segments = segs.map((s, i) => {
    const m = /^\{(.+)\}$/.exec(s);
    if (!m) return s;
    if (m[1] === r.target) targetIndex = i;
    return null;
  });
  return { method: r.method, auditAction: r.auditAction ?? null, segments, action: r.action, targetIndex };
}

const variableCount = (r: CompiledRoute): number => r.segments.filter((s) => s === null).length;

/**
 * The segments a pack owns requests by: its `anchors`, or by default the first literal segment
 * of each route an access line can match (audit-only routes make none).
 */
export function packAnchors(pack: RulePack): string[] {
  if (pack.anchors) return pack.anchors;
  const first = pack.routes
    .filter((r) => !r.auditAction)
    .map((r) => compileRoute(r).segments.find((x): x is string => x !== null))
    .filter((x): x is string => !!x);
  return [...new Set(first)];
}

/** The packs indexed for classification (compileClassifier). */
interface PackIndex {
  /** service → "position\tanchor segment" → packs owning it. */
  anchors: Map<string, Map<string, CompiledPack[]>>;
  messageLoggers: Set<string>;
  effects: CompiledEffect[];
  /** service + CADF action → packs with audit-only routes for it. */
  byAudit: Map<string, CompiledPack[]>;
}

function indexPacks(packs: readonly RulePack[]): PackIndex {
  const index: PackIndex = { anchors: new Map(), messageLoggers: new Set(), effects: [], byAudit: new Map() };
  for (const pack of packs) {
    // Literal routes before routes with variables: /os-services/enable beats /os-services/{id}.
    const routes = pack.routes.map(compileRoute).sort((a, b) => variableCount(a) - variableCount(b));
    const compiled: CompiledPack = { pack, routes };
    for (const r of routes) {
      if (r.auditAction === null) continue;
      const k = `${pack.service}\t${r.auditAction}`;
      index.byAudit.set(k, [...(index.byAudit.get(k) ?? []), compiled]);
    }
    indexAnchors(index, compiled);
    for (const e of pack.effects) {
      for (const l of e.loggers) index.messageLoggers.add(l);
      const { action, refines } = e;
      index.effects.push({
        api: pack.api,
        action,
        refines,
        loggers: new Set(e.loggers),
        pattern: new RegExp(e.message),
      });
    }
  }
  return index;
}

/**
 * A pack owns a request whose segment at some position is one of its anchors at the same position
 * in one of its routes: `/os-security-groups/{id}` anchors position 0, so
 * `/servers/{id}/os-security-groups` (position 2) is not the proxy's. Audit-only routes make no
 * anchors: an access line of the same path is someone else's.
 */
function indexAnchors(index: PackIndex, compiled: CompiledPack): void {
  const pack = compiled.pack;
  const names = packAnchors(pack);
  let byAnchor = index.anchors.get(pack.service);
  if (!byAnchor) index.anchors.set(pack.service, (byAnchor = new Map()));
  const positions = new Set<string>();
  for (const r of compiled.routes) {
    if (r.auditAction !== null) continue;
    r.segments.forEach((seg, i) => seg !== null && names.includes(seg) && positions.add(`${i}\t${seg}`));
  }
  for (const k of positions) {
    const list = byAnchor.get(k) ?? [];
    list.push(compiled);
    byAnchor.set(k, list);
  }
}

/** The first route of a pack a request matches (literal routes first), as a Classification. */
function matchRoute(
  cp: CompiledPack,
  method: string,
  segments: readonly string[],
  auditAction: string | null,
): Classification | null {
  for (const r of cp.routes) {
    if (r.auditAction !== null && r.auditAction !== auditAction) continue;
    if ((method !== '*' && r.method !== method) || r.segments.length !== segments.length) continue;
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const lit = r.segments[i];
      if (lit !== null && lit !== segments[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { api: cp.pack.api, action: r.action, target: r.targetIndex >= 0 ? segments[r.targetIndex]! : null };
  }
  return null;
}

/**
 * A request's route in the index: an audit-only route of its CADF action, else a route of the pack
 * its anchors name.
 */
function classifyIn(
  index: PackIndex,
  service: string,
  method: string,
  segments: readonly string[],
  auditAction: string | null,
): Classification | null {
  if (auditAction !== null) {
    for (const cp of index.byAudit.get(`${service}\t${auditAction}`) ?? []) {
      const hit = matchRoute(cp, method, segments, auditAction);
      if (hit) return hit;
    }
  }
  const byAnchor = index.anchors.get(service);
  if (!byAnchor) return null;
  let owner: CompiledPack | null = null;
  for (let i = 0; i < segments.length; i++) {
    const list = byAnchor.get(`${i}\t${segments[i]}`);
    if (!list) continue;
    for (const cp of list) {
      const hit = matchRoute(cp, method, segments, auditAction);
      if (hit) return hit;
      owner ??= cp;
    }
  }
  return owner ? { api: owner.pack.api, action: 'other', target: null } : null;
}

/** Per service: a segment equal to one of its anchors, possibly with the .json/.xml suffix nova once routed. */
function anchorMatchers(index: PackIndex): { tests: Map<string, RegExp>; runs: Map<string, AsciiAnchorRun> } {
  const escape = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tests = new Map<string, RegExp>();
  const runs = new Map<string, AsciiAnchorRun>();
  for (const [service, byAnchor] of index.anchors) {
    const names = [...new Set([...byAnchor.keys()].map((k) => k.slice(k.indexOf('\t') + 1)))];
    if (names.length) {
      tests.set(service, new RegExp(`/(?:${names.map(escape).join('|')})(?:\\.(?:json|xml))?(?:[/?#]|$)`));
      runs.set(service, compileAsciiAnchorRun(names));
    }
  }
  return { tests, runs };
}

export function compileClassifier(packs: readonly RulePack[]): Classifier {
  const index = indexPacks(packs);
  const { tests, runs } = anchorMatchers(index);
  return {
    packs,
    messageLoggers: index.messageLoggers,
    services: new Set(index.anchors.keys()),
    // Percent-encoded targets are decoded by normalisePath: let them through.
    mayMatch: (service, uri) => {
      const t = tests.get(service);
      return t !== undefined && (t.test(uri) || uri.includes('%'));
    },
    anchorRun: (service) => runs.get(service) ?? null,
    classify: (service, method, segments, auditAction = null) =>
      classifyIn(index, service, method, segments, auditAction),
    effect(logger, message) {
      for (const e of index.effects) {
        if (!e.loggers.has(logger)) continue;
        const m = e.pattern.exec(message);
        if (m) {
          const { api, action, refines } = e;
          return { api, action, refines, target: m.groups?.host ?? m.groups?.target ?? null };
        }
      }
      return null;
    },
  };
}

/** Whether the ASCII run `bytes[from, to)` is an anchor segment (see Classifier.anchorRun). */
export type AsciiAnchorRun = (bytes: Uint8Array, from: number, to: number) => boolean;

/**
 * One run of the anchor regex of mayMatch (`/(?:a|b|…)(?:\.(?:json|xml))?(?:[/?#]|$)`) on
 * ASCII bytes in place: the run is compared with the anchors of its length, with and without
 * a .json/.xml suffix. The scanner calls it at each `/`, `?`, `#` and at the end of a target,
 * inside its own loop over the target (bench/: the regex and the string it needs cost ~0.2 µs
 * per request of the nova log).
 */
export function compileAsciiAnchorRun(names: readonly string[]): AsciiAnchorRun {
  // Anchors by length, in an array: most runs (v2.1, servers, a uuid) have a length no anchor has.
  const byLength: (Uint8Array[] | undefined)[] = [];
  for (const n of names) (byLength[n.length] ??= []).push(new Uint8Array(Buffer.from(n, 'latin1')));
  const isAnchor = (b: Uint8Array, from: number, to: number): boolean => {
    const list = byLength[to - from];
    if (list === undefined) return false;
    outer: for (const a of list) {
      for (let k = 0; k < a.length; k++) if (b[from + k] !== a[k]) continue outer;
      return true;
    }
    return false;
  };
  return (b, from, to) => {
    if (isAnchor(b, from, to)) return true;
    const last = b[to - 1];
    if (
      last === 110 &&
      to - from > 5 &&
      b[to - 5] === 46 &&
      b[to - 4] === 106 &&
      b[to - 3] === 115 &&
      b[to - 2] === 111
    )
      return isAnchor(b, from, to - 5); // .json
    if (last === 108 && to - from > 4 && b[to - 4] === 46 && b[to - 3] === 120 && b[to - 2] === 109)
      return isAnchor(b, from, to - 4); // .xml
    return false;
  };
}

export function replacementOf(pack: RulePack | undefined, action: string): string | null {
  if (!pack) return null;
  const parts = action.split('+');
  const reps = parts.map((a) => pack.actions.find((x) => x.name === a)?.replacement ?? null);
  return reps.some((r) => r === null) ? null : reps.join('; ');
}
