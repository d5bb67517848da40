// Sending a file (spec xftp.md §13, Appendix A6): encrypt it to a temporary file, cut it into chunks,
// register and upload each chunk on a server (round-robin over the given servers), and build one
// recipient description per recipient plus the sender's. A JSON state file next to the encrypted file
// records every chunk once registered and once uploaded, so running the same send again continues
// where it stopped. Upstream `Client/Main.hs: cliSendFileOpts` (`encryptFileForUpload`, `uploadFile`,
// `createRcvFileDescriptions`, `createSndFileDescription`, `writeFileDescriptions`).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  FileCryptoError,
  decodeBase64Url,
  decodePrivKeyDer,
  encodeBase64Url,
  encodePrivKeyDer,
  generateKeyPair,
  maxFileSize,
  parseXFTPServerAddress,
  xftpMaxRecipientsPerRequest,
} from '@simplex-relay/protocol';
import type {
  CryptoProvider,
  PublicKey,
  SmpServer,
  XFTPServerAddress,
} from '@simplex-relay/protocol';
import { nodeProvider } from '@simplex-relay/node-crypto';
import { prepareChunkSpecs } from '../chunks.ts';
import { encryptFile } from '../encrypted-file.ts';
import type { EncryptedFile } from '../encrypted-file.ts';
import { encodeFileDescription } from '../file-description.ts';
import type { FileChunk, FileDescription } from '../file-description.ts';
import { fileWebLink } from '../description-uri.ts';
import { formatXftpServer, parseXftpServer } from '../xftp-server.ts';
import { XftpError, XftpTransferError } from './errors.ts';
import { readStateFile, removeFiles, writeStateFile, fileSize } from './state-file.ts';
import { safeFileName, uniqueCombine } from './file-names.ts';
import { Progress, perServer, poolOf, transferFiles } from './transfer-common.ts';
import type { FileTransferOptions } from './transfer-common.ts';

/** Options of {@link sendFile}. */
export interface SendFileOptions extends FileTransferOptions {
  /** Recipient descriptions to make (upstream `-n`); each chunk gets this many recipient IDs. Default 1. */
  readonly numRecipients?: number;
  /** Largest plain file accepted; default 1 GB (upstream `maxFileSize`). */
  readonly maxFileSize?: number;
}

/** A sent file: what to give the recipients and what the sender keeps for deleting it. */
export interface SentFile {
  readonly fileName: string;
  readonly recipientDescriptions: readonly FileDescription[];
  readonly senderDescription: FileDescription;
  /** `https://<host>/#…` of the first recipient description (upstream `fileWebLink`). */
  readonly webLink?: string;
}

interface ChunkState {
  readonly server: string;
  readonly senderId: string;
  readonly sndKey: string;
  readonly recipients: readonly (readonly [id: string, key: string])[];
  uploaded: boolean;
}

interface SendState {
  readonly kind: 'xftp-send';
  readonly source: { readonly path: string; readonly size: number; readonly mtimeMs: number };
  readonly fileName: string;
  readonly numRecipients: number;
  readonly key: string;
  readonly nonce: string;
  readonly digest: string;
  readonly encSize: number;
  readonly chunkSizes: readonly number[];
  readonly chunkDigests: readonly string[];
  readonly chunks: (ChunkState | null)[];
}

const b64 = encodeBase64Url;
const unb64 = decodeBase64Url;

/**
 * Sends the file at `path` through `servers` (`xftp://` addresses, optionally with the basic-auth
 * password for FNEW). Throws XftpTransferError or XftpError; the temporary files are kept on failure
 * so that the same call can resume, and removed on success.
 */
export async function sendFile(
  path: string,
  servers: readonly (string | XFTPServerAddress)[],
  opts: SendFileOptions = {},
): Promise<SentFile> {
  const c = opts.provider ?? opts.connect?.provider ?? nodeProvider;
  const srvs = servers.map((s) => (typeof s === 'string' ? parseXFTPServerAddress(s) : s));
  if (srvs.length === 0) throw new XftpTransferError('NO_SERVERS', 'no XFTP servers given');
  const numRecipients = opts.numRecipients ?? 1;
  if (!Number.isInteger(numRecipients) || numRecipients < 1)
    throw new RangeError('numRecipients must be a positive integer');
  const src = await stat(path);
  const max = opts.maxFileSize ?? maxFileSize;
  if (src.size > max)
    throw new XftpTransferError('FILE_SIZE', `files bigger than ${max} bytes are not supported`);
  const source = { path: resolve(path), size: src.size, mtimeMs: src.mtimeMs };
  const { encPath, statePath } = transferFiles(
    opts,
    'send',
    source.path,
    source.size,
    source.mtimeMs,
    numRecipients,
  );
  let st = await readStateFile<SendState>(statePath, 'xftp-send');
  if (st === undefined || (await fileSize(encPath)) !== st.encSize) {
    st = await encryptForUpload(c, source, basename(path), numRecipients, encPath);
    await writeStateFile(statePath, st);
  }
  const state = st;
  const specs = prepareChunkSpecs(state.chunkSizes);
  const progress = new Progress(state.encSize, opts.onProgress);
  for (const s of specs) if (state.chunks[s.chunkNo - 1]?.uploaded) progress.skip(s.size);
  const auth = new Map(srvs.map((a) => [formatXftpServer(a.server), a.basicAuth]));
  // Round-robin over the given servers; a chunk registered by an earlier run stays where it is.
  const serverOf = (no: number): SmpServer =>
    state.chunks[no - 1]?.server !== undefined
      ? parseXftpServer((state.chunks[no - 1] as ChunkState).server)
      : (srvs[(no - 1) % srvs.length] as XFTPServerAddress).server;
  const { pool, owned } = poolOf(opts);
  try {
    const todo = specs.filter((s) => state.chunks[s.chunkNo - 1]?.uploaded !== true);
    await perServer(
      todo,
      (s) => formatXftpServer(serverOf(s.chunkNo)),
      async (s) => {
        const server = serverOf(s.chunkNo);
        const basicAuth = auth.get(formatXftpServer(server));
        const chunk = { path: encPath, offset: s.offset, size: s.size };
        for (let fresh = false; ; fresh = true) {
          let cs = state.chunks[s.chunkNo - 1] ?? null;
          const resumed = cs !== null && !fresh;
          if (cs === null) {
            cs = await createChunk(pool, c, server, basicAuth, state, s.chunkNo, opts);
            state.chunks[s.chunkNo - 1] = cs;
            await writeStateFile(statePath, state);
          }
          const spKey = decodePrivKeyDer(unb64(cs.sndKey));
          const sId = unb64(cs.senderId);
          try {
            await pool.withClient(
              server,
              (cl) =>
                cl.uploadChunk(spKey, sId, chunk, {
                  onProgress: (n) => progress.update(s.chunkNo, n),
                }),
              opts,
            );
          } catch (e) {
            progress.fail(s.chunkNo);
            // A chunk registered by an earlier run may have expired meanwhile: register it again.
            if (resumed && e instanceof XftpError && isAuth(e)) {
              state.chunks[s.chunkNo - 1] = null;
              continue;
            }
            throw e;
          }
          cs.uploaded = true;
          await writeStateFile(statePath, state);
          progress.finish(s.chunkNo, s.size);
          return;
        }
      },
    );
  } finally {
    if (owned) await pool.close();
  }
  const sent = describe(state);
  await removeFiles(encPath, statePath);
  return sent;
}

const isAuth = (e: XftpError): boolean =>
  e.error.type === 'PROTOCOL' && e.error.error.type === 'AUTH';

/** FNEW with up to 200 recipient keys, then FADD for the rest (`xftpMaxRecipientsPerRequest`). */
async function createChunk(
  pool: ReturnType<typeof poolOf>['pool'],
  c: CryptoProvider,
  server: SmpServer,
  basicAuth: Uint8Array | undefined,
  state: SendState,
  chunkNo: number,
  opts: SendFileOptions,
): Promise<ChunkState> {
  const snd = generateKeyPair(c, 'ed25519');
  const rcv = Array.from({ length: state.numRecipients }, () => generateKeyPair(c, 'ed25519'));
  const file = {
    sndKey: snd.pub,
    size: state.chunkSizes[chunkNo - 1] as number,
    digest: unb64(state.chunkDigests[chunkNo - 1] as string),
  };
  const batches: PublicKey[][] = [];
  for (let i = 0; i < rcv.length; i += xftpMaxRecipientsPerRequest)
    batches.push(rcv.slice(i, i + xftpMaxRecipientsPerRequest).map((k) => k.pub));
  const [first, ...rest] = batches as [PublicKey[], ...PublicKey[][]];
  const created = await pool.withClient(
    server,
    (cl) => cl.createChunk(snd.priv, file, first as [PublicKey, ...PublicKey[]], basicAuth),
    opts,
  );
  const ids: Uint8Array[] = [...created.recipientIds];
  for (const keys of rest) {
    const more = await pool.withClient(
      server,
      (cl) => cl.addRecipients(snd.priv, created.senderId, keys as [PublicKey, ...PublicKey[]]),
      opts,
    );
    ids.push(...more);
  }
  if (ids.length !== rcv.length) throw new XftpError({ type: 'UNEXPECTED', response: 'RIDS' });
  return {
    server: formatXftpServer(server),
    senderId: b64(created.senderId),
    sndKey: b64(encodePrivKeyDer(snd.priv)),
    recipients: rcv.map((k, i) => [b64(ids[i] as Uint8Array), b64(encodePrivKeyDer(k.priv))]),
    uploaded: false,
  };
}

/**
 * Encrypts the source into `encPath` with a random key and nonce from the provider (the package's
 * one streaming `encryptFile`, which hashes as it writes: SHA-512 of the whole encrypted file and
 * SHA-256 of each chunk, upstream `encryptFileForUpload`), and records the result as a fresh state.
 */
async function encryptForUpload(
  c: CryptoProvider,
  source: SendState['source'],
  name: string,
  numRecipients: number,
  encPath: string,
): Promise<SendState> {
  const fileName = safeFileName(name);
  const keys = { key: c.randomBytes(32), nonce: c.randomBytes(24) };
  let enc: EncryptedFile;
  try {
    enc = await encryptFile(source.path, encPath, { fileName, keys });
  } catch (e) {
    if (e instanceof FileCryptoError && e.code === 'FILE_IO')
      throw new XftpTransferError('FILE_IO', 'the file changed while it was encrypted', {
        cause: e,
      });
    throw new XftpTransferError('FILE_IO', `encrypting file: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return {
    kind: 'xftp-send',
    source,
    fileName,
    numRecipients,
    key: b64(enc.key),
    nonce: b64(enc.nonce),
    digest: b64(enc.digest),
    encSize: enc.plan.encSize,
    chunkSizes: enc.plan.chunkSizes,
    chunkDigests: enc.chunks.map((ch) => b64(ch.digest)),
    chunks: enc.plan.chunkSizes.map(() => null),
  };
}

/** The descriptions (`createRcvFileDescriptions`, `createSndFileDescription`); one replica per chunk. */
function describe(state: SendState): SentFile {
  const base = {
    size: state.encSize,
    digest: unb64(state.digest),
    key: unb64(state.key),
    nonce: unb64(state.nonce),
    chunkSize: state.chunkSizes[0] as number,
  };
  const chunk = (i: number, replicaId: string, replicaKey: string): FileChunk => {
    const cs = state.chunks[i] as ChunkState;
    return {
      chunkNo: i + 1,
      chunkSize: state.chunkSizes[i] as number,
      digest: unb64(state.chunkDigests[i] as string),
      replicas: [
        {
          server: parseXftpServer(cs.server),
          replicaId: unb64(replicaId),
          replicaKey: decodePrivKeyDer(unb64(replicaKey)),
        },
      ],
    };
  };
  const n = state.chunkSizes.length;
  const recipientDescriptions = Array.from({ length: state.numRecipients }, (_, r) => ({
    party: 'recipient' as const,
    ...base,
    chunks: Array.from({ length: n }, (_, i) => {
      const [id, key] = (state.chunks[i] as ChunkState).recipients[r] as readonly [string, string];
      return chunk(i, id, key);
    }),
  }));
  const senderDescription: FileDescription = {
    party: 'sender',
    ...base,
    chunks: Array.from({ length: n }, (_, i) => {
      const cs = state.chunks[i] as ChunkState;
      return chunk(i, cs.senderId, cs.sndKey);
    }),
  };
  const webLink = fileWebLink(recipientDescriptions[0] as FileDescription);
  return {
    fileName: state.fileName,
    recipientDescriptions,
    senderDescription,
    ...(webLink !== undefined && { webLink }),
  };
}

/** Paths written by {@link writeFileDescriptions}. */
export interface WrittenDescriptions {
  readonly dir: string;
  readonly recipientPaths: readonly string[];
  readonly senderPath: string;
}

/**
 * Writes `<outDir>/<fileName>.xftp/rcv<N>.xftp` and `snd.xftp.private` (upstream
 * `writeFileDescriptions`; the directory name is made unique with `_1`, `_2`, …). The sender file is
 * mode 0600: it holds the keys that delete the file.
 */
export async function writeFileDescriptions(
  outDir: string,
  sent: SentFile,
): Promise<WrittenDescriptions> {
  const dir = await uniqueCombine(outDir, `${sent.fileName}.xftp`);
  await mkdir(dir, { recursive: true });
  const recipientPaths: string[] = [];
  for (const [i, fd] of sent.recipientDescriptions.entries()) {
    const p = join(dir, `rcv${i + 1}.xftp`);
    await writeFile(p, encodeFileDescription(fd), { mode: 0o600 });
    recipientPaths.push(p);
  }
  const senderPath = join(dir, 'snd.xftp.private');
  await writeFile(senderPath, encodeFileDescription(sent.senderDescription), { mode: 0o600 });
  return { dir, recipientPaths, senderPath };
}
