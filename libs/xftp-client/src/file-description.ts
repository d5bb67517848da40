// File descriptions (spec xftp.md §13, Appendix A6): what a recipient needs to fetch and decrypt a
// file (or a sender to delete it), as upstream's YAML. Upstream `FileTransfer/Description.hs`:
// `FileDescription`, `YAMLFileDescription`, `encodeFileDescription`/`decodeFileDescription`,
// `unfoldChunksToReplicas`/`foldReplicasToChunks`, `serverReplicaP`/`encodeServerReplica`,
// `validateFileDescription`, `RedirectFileInfo`, `fdSeparator`, size limits.
import {
  decodeBase64Url,
  decodePrivKeyDer,
  encodeBase64Url,
  encodePrivKeyDer,
} from '@simplex-relay/protocol';
import type { PrivateKey } from '@simplex-relay/protocol';
import type { Node } from 'yaml';
import { FileDescriptionError } from './errors.ts';
import { MAX_WORD32, encodeFileSize, fileSizeTokenLength, parseFileSize } from './file-size.ts';
import { compareXftpServers, formatXftpServer, parseXftpServer } from './xftp-server.ts';
import type { XftpServer } from './xftp-server.ts';
import { integerNode, mapNode, parseYaml, renderYaml, seqNode, stringNode } from './yaml-style.ts';
import type { YamlValue } from './yaml-style.ts';

/** Who a description is for (upstream `FileParty`, YAML `recipient`/`sender`). */
export type FileParty = 'recipient' | 'sender';

/** One copy of a chunk: server, entity id there, and the private auth key for it (upstream `FileChunkReplica`). */
export interface FileChunkReplica {
  readonly server: XftpServer;
  /** Recipient id in a recipient description, sender id in a sender description. */
  readonly replicaId: Uint8Array;
  /** Ed25519, Ed448 or X25519 private key (upstream `APrivateAuthKey`). */
  readonly replicaKey: PrivateKey;
}

/** One chunk of the encrypted file (upstream `FileChunk`). */
export interface FileChunk {
  readonly chunkNo: number;
  readonly chunkSize: number;
  /** SHA-256 of the chunk's encrypted bytes. */
  readonly digest: Uint8Array;
  readonly replicas: readonly FileChunkReplica[];
}

/** Size and digest of the real file behind a redirect description (upstream `RedirectFileInfo`). */
export interface RedirectFileInfo {
  readonly size: number;
  readonly digest: Uint8Array;
}

/** A file description (upstream `FileDescription p`); `size` and `digest` are of the encrypted file. */
export interface FileDescription {
  readonly party: FileParty;
  readonly size: number;
  /** SHA-512 of the whole encrypted file. */
  readonly digest: Uint8Array;
  /** 32-byte secret_box key of the file. */
  readonly key: Uint8Array;
  /** 24-byte nonce of the file. */
  readonly nonce: Uint8Array;
  /** The default chunk size: chunks of another size carry it in the YAML. */
  readonly chunkSize: number;
  readonly chunks: readonly FileChunk[];
  /** Present when this description points to an uploaded file holding the real description. */
  readonly redirect?: RedirectFileInfo;
}

/** Plain file size limits (upstream `maxFileSize`, `maxFileSizeHard`): the protocol library's. */
export {
  maxFileSize as MAX_FILE_SIZE,
  maxFileSizeHard as MAX_FILE_SIZE_HARD,
} from '@simplex-relay/protocol';
/** URI length that still fits the QR code size apps aim for (upstream `qrSizeLimit`). */
export const QR_SIZE_LIMIT = 1002;
/** Separator upstream prints between descriptions (upstream `fdSeparator`). */
export const FD_SEPARATOR = '################################\n';

const AUTH_ALGS = new Set(['ed25519', 'ed448', 'x25519']);

// ---- replicas: one YAML string per chunk copy, grouped by server ----------------------------------

// A chunk copy as one line of a server's `chunks` list (upstream `FileServerReplica`).
interface ServerReplica {
  readonly chunkNo: number;
  readonly server: XftpServer;
  readonly replicaId: Uint8Array;
  readonly replicaKey: PrivateKey;
  readonly digest?: Uint8Array;
  readonly chunkSize?: number;
}

/** Upstream `encodeServerReplica`: `chunkNo:replicaId:replicaKey[:digest[:chunkSize]]`. */
function encodeServerReplica(r: ServerReplica): string {
  let s = `${r.chunkNo}:${encodeBase64Url(r.replicaId)}:${encodeBase64Url(encodePrivKeyDer(r.replicaKey))}`;
  if (r.digest !== undefined) s += `:${encodeBase64Url(r.digest)}`;
  if (r.chunkSize !== undefined) s += `:${encodeFileSize(r.chunkSize)}`;
  return s;
}

// A non-empty base64url token at `s[i..]` (upstream `base64urlP`: `[A-Za-z0-9_-]+` then any `=`),
// decoded; undefined if absent or invalid.
function base64At(s: string, i: number): { bytes: Uint8Array; end: number } | undefined {
  const m = /^[A-Za-z0-9_-]+=*/.exec(s.slice(i));
  if (m === null) return undefined;
  try {
    return { bytes: decodeBase64Url(m[0]), end: i + m[0].length };
  } catch {
    return undefined;
  }
}

/** Decodes a replica key: DER PKCS#8 of an auth algorithm (upstream `strP @APrivateAuthKey`). */
export function decodeReplicaKey(der: Uint8Array): PrivateKey {
  let k: PrivateKey;
  try {
    k = decodePrivKeyDer(der);
  } catch (e) {
    throw new FileDescriptionError('bad replica key', { cause: e });
  }
  if (!AUTH_ALGS.has(k.alg)) throw new FileDescriptionError('key does not support auth algorithms');
  return k;
}

/** Upstream `parseAll (serverReplicaP server)`; the optional fields backtrack as attoparsec's `optional` does. */
function parseServerReplica(server: XftpServer, s: string): ServerReplica {
  const bad = (why: string): FileDescriptionError =>
    new FileDescriptionError(`bad chunk replica ${JSON.stringify(s)}: ${why}`);
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === 0) throw bad('chunk number');
  const chunkNo = Number(s.slice(0, i));
  if (!Number.isSafeInteger(chunkNo)) throw bad('chunk number');
  const field = (): Uint8Array => {
    if (s[i] !== ':') throw bad('expected :');
    const r = base64At(s, i + 1);
    if (r === undefined) throw bad('base64url');
    i = r.end;
    return r.bytes;
  };
  const replicaId = field();
  const replicaKey = decodeReplicaKey(field());
  let digest: Uint8Array | undefined;
  if (s[i] === ':') {
    const r = base64At(s, i + 1);
    if (r !== undefined) [digest, i] = [r.bytes, r.end];
  }
  let chunkSize: number | undefined;
  if (s[i] === ':') {
    const n = fileSizeTokenLength(s, i + 1);
    if (n > 0) [chunkSize, i] = [parseFileSize(s.slice(i + 1, i + 1 + n), MAX_WORD32), i + 1 + n];
  }
  if (i !== s.length) throw bad('trailing characters');
  return {
    chunkNo,
    server,
    replicaId,
    replicaKey,
    ...(digest && { digest }),
    ...(chunkSize !== undefined && { chunkSize }),
  };
}

/**
 * Upstream `unfoldChunksToReplicas` + `groupReplicasByServer`: every copy becomes a line; the digest
 * (and a size other than the default) goes only on each chunk's first copy; lines are grouped by
 * server in server order, keeping chunk order within a server.
 */
function groupReplicasByServer(
  defChunkSize: number,
  chunks: readonly FileChunk[],
): ServerReplica[][] {
  const flat: ServerReplica[] = chunks.flatMap((c) =>
    c.replicas.map((r, i) => ({
      chunkNo: c.chunkNo,
      server: r.server,
      replicaId: r.replicaId,
      replicaKey: r.replicaKey,
      ...(i === 0 && { digest: c.digest }),
      ...(i === 0 && c.chunkSize !== defChunkSize && { chunkSize: c.chunkSize }),
    })),
  );
  flat.sort((a, b) => compareXftpServers(a.server, b.server)); // stable, as upstream's sortWith
  const groups: ServerReplica[][] = [];
  for (const r of flat) {
    const last = groups[groups.length - 1];
    if (last !== undefined && compareXftpServers(last[0]!.server, r.server) === 0) last.push(r);
    else groups.push([r]);
  }
  return groups;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Upstream `foldReplicasToChunks`: sizes and digests are collected first (two copies that disagree
 * are an error), then copies join their chunk in order; a chunk needs a digest on some copy.
 */
function foldReplicasToChunks(defChunkSize: number, rs: readonly ServerReplica[]): FileChunk[] {
  const sizes = new Map<number, number>();
  const digests = new Map<number, Uint8Array>();
  for (const r of rs) {
    const s = sizes.get(r.chunkNo);
    const d = digests.get(r.chunkNo);
    if (
      (r.chunkSize !== undefined && s !== undefined && s !== r.chunkSize) ||
      (r.digest !== undefined && d !== undefined && !sameBytes(d, r.digest))
    )
      throw new FileDescriptionError('different size or digest in chunk replicas');
    if (r.chunkSize !== undefined && s === undefined) sizes.set(r.chunkNo, r.chunkSize);
    if (r.digest !== undefined && d === undefined) digests.set(r.chunkNo, r.digest);
  }
  const chunks = new Map<number, { chunk: FileChunk; replicas: FileChunkReplica[] }>();
  for (const r of rs) {
    const replica = { server: r.server, replicaId: r.replicaId, replicaKey: r.replicaKey };
    const c = chunks.get(r.chunkNo);
    if (c !== undefined) {
      c.replicas.push(replica);
      continue;
    }
    const digest = digests.get(r.chunkNo);
    if (digest === undefined) throw new FileDescriptionError('no digest for chunk');
    const replicas = [replica];
    const chunkSize = sizes.get(r.chunkNo) ?? defChunkSize;
    chunks.set(r.chunkNo, { chunk: { chunkNo: r.chunkNo, chunkSize, digest, replicas }, replicas });
  }
  return [...chunks.values()].map((c) => c.chunk).sort((a, b) => a.chunkNo - b.chunkNo);
}

// ---- validation -----------------------------------------------------------------------------------

/**
 * Upstream `validateFileDescription`: chunk numbers are exactly 1..n in order and the chunk sizes add
 * up to the file size. Returns the error text, or undefined if valid.
 */
export function fileDescriptionError(fd: FileDescription): string | undefined {
  if (fd.chunks.some((c, i) => c.chunkNo !== i + 1)) return 'chunk numbers are not sequential';
  const total = fd.chunks.reduce((s, c) => s + c.chunkSize, 0);
  if (total !== fd.size) return 'chunks total size is different than file size';
  return undefined;
}

/** Throws {@link FileDescriptionError} unless the description is valid (upstream `ValidFileDescription`). */
export function validateFileDescription<T extends FileDescription>(fd: T): T {
  const e = fileDescriptionError(fd);
  if (e !== undefined) throw new FileDescriptionError(e);
  return fd;
}

/** Throws unless the description is for `party` (upstream `checkParty`). */
export function checkParty<T extends FileDescription>(fd: T, party: FileParty): T {
  if (fd.party !== party) throw new FileDescriptionError('incorrect XFTP party');
  return fd;
}

// ---- YAML -----------------------------------------------------------------------------------------

const checkLen = (what: string, b: Uint8Array, n: number): void => {
  if (b.length !== n) throw new RangeError(`${what} must be ${n} bytes`);
};

/**
 * Upstream's YAML text of a description (`strEncode`, i.e. `Y.encode . encodeFileDescription`): keys
 * sorted, `redirect` only when present. Like upstream it does not validate; chunks without copies
 * leave no trace in the YAML.
 */
export function encodeFileDescription(fd: FileDescription): string {
  checkLen('key', fd.key, 32);
  checkLen('nonce', fd.nonce, 24);
  const replicas = groupReplicasByServer(fd.chunkSize, fd.chunks).map((g) =>
    mapNode([
      ['chunks', seqNode(g.map((r) => stringNode(encodeServerReplica(r))))],
      ['server', stringNode(formatXftpServer(g[0]!.server))],
    ]),
  );
  const entries: [string, Node][] = [
    ['chunkSize', stringNode(encodeFileSize(fd.chunkSize))],
    ['digest', stringNode(encodeBase64Url(fd.digest))],
    ['key', stringNode(encodeBase64Url(fd.key))],
    ['nonce', stringNode(encodeBase64Url(fd.nonce))],
    ['party', stringNode(fd.party)],
  ];
  if (fd.redirect !== undefined)
    entries.push([
      'redirect',
      mapNode([
        ['digest', stringNode(encodeBase64Url(fd.redirect.digest))],
        ['size', integerNode(fd.redirect.size)], // `FileSize` JSON is the bare number
      ]),
    ]);
  entries.push(['replicas', seqNode(replicas)], ['size', stringNode(encodeFileSize(fd.size))]);
  return renderYaml(mapNode(entries));
}

type YamlObject = { readonly [k: string]: YamlValue };
const isObject = (v: YamlValue | undefined): v is YamlObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function field(o: YamlObject, k: string): YamlValue {
  if (!Object.hasOwn(o, k)) throw new FileDescriptionError(`key "${k}" not found`);
  return o[k] as YamlValue;
}
function stringField(o: YamlObject, k: string): string {
  const v = field(o, k);
  if (typeof v !== 'string') throw new FileDescriptionError(`"${k}": expected String`);
  return v;
}
function arrayField(o: YamlObject, k: string): YamlValue[] {
  const v = field(o, k);
  if (!Array.isArray(v)) throw new FileDescriptionError(`"${k}": expected Array`);
  return v;
}
// a whole base64url field (upstream `strParseJSON` of a ByteString newtype: non-empty)
function bytesField(o: YamlObject, k: string): Uint8Array {
  const s = stringField(o, k);
  const r = base64At(s, 0);
  if (r === undefined || r.end !== s.length)
    throw new FileDescriptionError(`"${k}": bad base64url`);
  return r.bytes;
}

// Upstream `cbNonce`: any length is accepted and cut or zero-padded to 24 bytes.
function cbNonce(b: Uint8Array): Uint8Array {
  if (b.length === 24) return b;
  const n = new Uint8Array(24);
  n.set(b.subarray(0, 24));
  return n;
}

/** Parses a description from upstream's YAML (`strDecode @AFileDescription`); does not validate. */
export function decodeFileDescription(yaml: string | Uint8Array): FileDescription {
  const text =
    typeof yaml === 'string' ? yaml : new TextDecoder('utf-8', { fatal: true }).decode(yaml);
  const v = parseYaml(text);
  if (!isObject(v)) throw new FileDescriptionError('expected a YAML mapping');
  const party = stringField(v, 'party');
  if (party !== 'recipient' && party !== 'sender')
    throw new FileDescriptionError(`"party": unknown value ${JSON.stringify(party)}`);
  const digest = bytesField(v, 'digest');
  const key = bytesField(v, 'key');
  if (key.length !== 32) throw new FileDescriptionError('SbKey: invalid length');
  const nonce = cbNonce(bytesField(v, 'nonce'));
  const replicaGroups = arrayField(v, 'replicas').map((g) => {
    if (!isObject(g)) throw new FileDescriptionError('"replicas": expected Object');
    return { server: parseXftpServer(stringField(g, 'server')), chunks: arrayField(g, 'chunks') };
  });
  let redirect: RedirectFileInfo | undefined;
  const r = Object.hasOwn(v, 'redirect') ? v['redirect'] : null;
  if (r !== null) {
    if (!isObject(r)) throw new FileDescriptionError('"redirect": expected Object');
    const size = field(r, 'size');
    if (typeof size !== 'number' || !Number.isSafeInteger(size))
      throw new FileDescriptionError('"redirect.size": expected an integer');
    redirect = { size, digest: bytesField(r, 'digest') };
  }
  const size = parseFileSize(stringField(v, 'size'));
  const chunkSize = parseFileSize(stringField(v, 'chunkSize'), MAX_WORD32);
  const replicas = replicaGroups.flatMap(({ server, chunks }) =>
    chunks.map((c) => {
      if (typeof c !== 'string') throw new FileDescriptionError('"chunks": expected String');
      return parseServerReplica(server, c);
    }),
  );
  const chunks = foldReplicasToChunks(chunkSize, replicas);
  return { party, size, digest, key, nonce, chunkSize, chunks, ...(redirect && { redirect }) };
}

/**
 * Parses and validates a description, optionally requiring a party (upstream `strDecode` of
 * `AValidFileDescription` / `ValidFileDescription p`).
 */
export function decodeValidFileDescription(
  yaml: string | Uint8Array,
  party?: FileParty,
): FileDescription {
  const fd = validateFileDescription(decodeFileDescription(yaml));
  return party === undefined ? fd : checkParty(fd, party);
}

// ---- redirects ------------------------------------------------------------------------------------

/** What a redirect description records about the real one (upstream `xftpSendDescription'`). */
export function redirectFileInfo(target: FileDescription): RedirectFileInfo {
  return { size: target.size, digest: target.digest };
}

/**
 * Parses the description found inside a redirect file and checks it against the redirect's record
 * (upstream agent `decryptFile`: "decode error", "size mismatch", "digest mismatch").
 */
export function decodeRedirectTarget(
  redirect: RedirectFileInfo,
  yaml: string | Uint8Array,
): FileDescription {
  let fd: FileDescription;
  try {
    fd = decodeValidFileDescription(yaml, 'recipient');
  } catch (e) {
    throw new FileDescriptionError('redirect: decode error', { cause: e });
  }
  if (fd.size !== redirect.size) throw new FileDescriptionError('redirect: size mismatch');
  if (!sameBytes(fd.digest, redirect.digest))
    throw new FileDescriptionError('redirect: digest mismatch');
  return fd;
}
