/**
 * Command-line inputs → the files to read: plain files, directories walked
 * recursively (sorted, so runs are repeatable), and '-' for stdin.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface InputFile {
  /** Path as given or found; '-' for stdin. */
  path: string;
  /** Found by walking a directory (unknown formats there are skipped, not errors). */
  fromDirectory: boolean;
}

export interface ExpandedInputs {
  files: InputFile[];
  /** Inputs that do not exist or cannot be read, with the reason. */
  missing: { path: string; reason: string }[];
}

export function expandInputs(args: readonly string[]): ExpandedInputs {
  const files: InputFile[] = [];
  const missing: { path: string; reason: string }[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (e) {
      missing.push({ path: dir, reason: (e as Error).message });
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // a dangling symlink or a file rotated away while walking
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) files.push({ path: p, fromDirectory: true });
    }
  };
  for (const arg of args) {
    if (arg === '-') {
      files.push({ path: '-', fromDirectory: false });
      continue;
    }
    let st;
    try {
      st = statSync(arg);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      missing.push({ path: arg, reason: code === 'ENOENT' ? 'no such file or directory' : (e as Error).message });
      continue;
    }
    if (st.isDirectory()) walk(arg);
    else files.push({ path: arg, fromDirectory: false });
  }
  return { files, missing };
}
