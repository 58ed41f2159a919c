/**
 * Command-line inputs → the files to read: plain files, directories walked
 * recursively (sorted, so runs are repeatable), and '-' for stdin.
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
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
  /** Entries of a directory that are not files to read (a dangling link), with the reason. */
  passedOver: { path: string; reason: string }[];
}

export function expandInputs(args: readonly string[]): ExpandedInputs {
  const files: InputFile[] = [];
  const missing: { path: string; reason: string }[] = [];
  const passedOver: { path: string; reason: string }[] = [];
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
      } catch (e) {
        const why = whyNotThere(p, e);
        // A file rotated away while walking is simply gone; anything else is said.
        if (why !== null) passedOver.push({ path: p, reason: why });
        continue;
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
  return { files, missing, passedOver };
}

/**
 * Why an entry found in a directory cannot be statted: a dangling link (to where), or the error; null when it is gone.
 */
function whyNotThere(p: string, e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException).code;
  try {
    if (lstatSync(p).isSymbolicLink()) return `a symbolic link to ${readlinkSync(p)}, which does not exist`;
  } catch {
    return null;
  }
  return code === 'ENOENT' ? null : (e as Error).message;
}
