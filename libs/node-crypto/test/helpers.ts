// Test helpers: the upstream fixture certificates (kept in libs/protocol/test/vectors, see its
// README for provenance), an openssl CLI runner used as an independent checker, and temp dirs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const vectorsDir = join(import.meta.dirname, '..', '..', 'protocol', 'test', 'vectors');
export const readVectorText = (name: string): string =>
  readFileSync(join(vectorsDir, name), 'utf8');

/** Why a test needing the openssl CLI is skipped, or false when openssl is present. */
export const noOpenssl: string | false =
  spawnSync('openssl', ['version']).status === 0 ? false : 'openssl CLI not installed';

/** Runs openssl; stdout as Buffer, throwing with stderr on a non-zero exit. */
export function openssl(args: readonly string[], input?: string | Uint8Array): Buffer {
  const r = spawnSync('openssl', args, { input, maxBuffer: 1 << 20 });
  if (r.status !== 0)
    throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr?.toString() ?? r.error}`);
  return r.stdout;
}

/** Exit status and output of openssl without throwing. */
export function opensslStatus(args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', args);
  return { status: r.status, out: `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}` };
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'node-crypto-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes PEM files into a directory (for openssl, which reads files). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/**
 * `openssl asn1parse -i` with the values that differ between any two certificates of one profile
 * blanked out (serial, times, key identifiers) and offsets dropped: structure, tags, lengths, OIDs,
 * strings and the fixed extension values (basicConstraints, keyUsage, extendedKeyUsage) remain.
 */
export function asn1Shape(certPem: string): string {
  let afterKeyId = false;
  return openssl(['asn1parse', '-i'], certPem)
    .toString()
    .split('\n')
    .map((l) => {
      let out = l
        .replace(/^\s*\d+:/, '')
        .replace(/(INTEGER\s+:)[0-9A-F]{8,}$/, '$1<serial>')
        .replace(/(TIME\s+:).*$/, '$1<time>');
      if (afterKeyId) out = out.replace(/(\[HEX DUMP\]:).*$/, '$1<key id>');
      afterKeyId = /Key Identifier$/.test(l.trim());
      return out;
    })
    .join('\n');
}
