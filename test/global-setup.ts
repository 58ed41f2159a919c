/**
 * Once per vitest run, before any test file:
 *  - dist/ is built when it is missing or older than a source: the CLI tests spawn
 *    dist/src/cli/main.js and the ingest worker pool loads dist/'s worker.js, so a test never
 *    runs a stale or missing build (`npm test` has just built it: then this costs a few stat calls);
 *  - what the suite needs from the machine (test/machine.ts) is checked: a missing need whose
 *    APICENSUS_REQUIRE_* variable is 1 fails the run here; any other missing need skips its tests,
 *    and the end of the run says which and how to install it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { isRequired, MACHINE_NEEDS, missing } from './machine.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** tsconfig.build.json's include. */
const SOURCE_DIRS = ['src', 'parsers', 'reports', 'bench'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The first source whose built .js is missing or older than it; null when dist/ is up to date. */
function staleSource(): string | null {
  for (const dir of SOURCE_DIRS) {
    for (const src of sources(join(ROOT, dir))) {
      const rel = relative(ROOT, src);
      const out = join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) return rel;
    }
  }
  return null;
}

function buildIfStale(): void {
  const stale = staleSource();
  if (stale === null) return;
  console.log(`test/global-setup.ts: dist/ is missing or older than ${stale}; building it (npm run build)`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed, so the CLI tests cannot run:\n${r.stdout}${r.stderr}`);
}

/** The test files of this run, when vitest says (a filtered run names fewer). */
function filesRun(project: TestProject): Set<string> | null {
  try {
    return new Set(project.vitest.state.getFiles().map((f) => relative(ROOT, f.filepath)));
  } catch {
    return null;
  }
}

export default function setup(project: TestProject): () => void {
  buildIfStale();
  const needs = MACHINE_NEEDS();
  const requiredMissing = needs.filter((n) => n.path === null && isRequired(n));
  if (requiredMissing.length > 0) {
    throw new Error(
      requiredMissing.map((n) => `${n.requireEnv}=1, but ${missing(n)}`).join('\n') +
        '\n(CI runs every test: install what is missing, as .ci/run does.)',
    );
  }
  return () => {
    const ran = filesRun(project);
    for (const n of needs) {
      if (n.path !== null) continue;
      const skipped = n.files.filter((f) => ran === null || ran.has(f));
      if (skipped.length === 0) continue;
      console.log(`\nSKIPPED tests in ${skipped.join(', ')}: ${missing(n)}`);
    }
  };
}
