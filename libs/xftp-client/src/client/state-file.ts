// Small JSON state files that make transfers resumable: written next to the temporary encrypted file
// after every step, atomically (write + rename), readable only by the owner because they hold the
// chunk keys. Upstream's CLI has no such file (a failed transfer starts over); the agent keeps the
// same facts in its database (`FileTransfer/Agent.hs`, `Store`).
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';

/** Reads a state file; undefined if it does not exist or does not parse as the expected kind. */
export async function readStateFile<T extends { readonly kind: string }>(
  path: string,
  kind: T['kind'],
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === kind
      ? (v as T)
      : undefined;
  } catch {
    return undefined; // a torn or foreign file: start over
  }
}

/** Replaces a state file atomically, mode 0600. */
export async function writeStateFile(path: string, state: object): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await rename(tmp, path);
}

/** Removes files, ignoring those that do not exist. */
export async function removeFiles(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })));
}

/** The size of a file, or undefined if it does not exist. */
export async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
