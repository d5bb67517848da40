// The body store of the XFTP server: one opaque blob per uploaded chunk (spec §7.1 upload, §7.2
// download, §11.1 "chunk bodies"). Upstream writes `<filesPath>/<base64url senderId>` directly
// (`Transport.hs: receiveFile`, `Server.hs: receiveServerFile`, `sendServerFile`); this port adds
// atomic, verified commits so that several gateways can share one body store.
//
// Keys come from `blobKeyForSender` (lowercase hex); they identify a chunk as much as its sender
// ID does, so they never go to logs, metrics or error messages.
//
// How an S3-compatible backend maps (not implemented here):
// - `put`: for chunks up to 5 MiB (all upstream chunk sizes) one PutObject with
//   `Content-Length: expectedSize`, the body streamed from `source` and `x-amz-checksum-sha256`
//   set to the expected digest, so the service itself rejects a wrong body; larger blobs use
//   CreateMultipartUpload + UploadPart (parts of at least 5 MiB, each with its checksum) +
//   CompleteMultipartUpload. Bytes are counted while streaming: a source that runs long is cut
//   off (AbortMultipartUpload / abort the request) → `SIZE`; one that ends short → `SIZE`. The
//   object becomes visible only when the upload completes, and S3 acknowledges completion only
//   once the object is durable, so both "atomic" and "durable on resolve" hold. Stale multipart
//   uploads of crashed gateways are removed by a bucket lifecycle rule
//   (AbortIncompleteMultipartUpload), the counterpart of `FsBlobStore`'s startup temp cleanup.
// - `get(key, range)`: GetObject with `Range: bytes=offset-(offset+length-1)`; the response body
//   is the stream and `Content-Range`'s total (or HeadObject) the size; NoSuchKey → `undefined`.
// - `delete`: DeleteObject (idempotent; HeadObject first if the caller needs `existed`).
// - `exists` / `size`: HeadObject (`ContentLength`).
// - Keys map to object names `<prefix>/<key[0..2]>/<key>`: the shard prefix spreads request
//   load across S3 partitions like the directories spread files here.
import type { Readable } from 'node:stream';

/** A streamed body: any async iterable of byte chunks (a Node `Readable` is one). */
export type BlobSource = AsyncIterable<Uint8Array> | Readable;

/** Options of `put`. */
export interface BlobPutOptions {
  /** SHA-256 the body must have; checked before the blob becomes visible (→ `DIGEST`). */
  readonly sha256?: Uint8Array;
  /**
   * Aborts the upload (e.g. the 5-minute `fileTimeout`, spec §7.1): `put` rejects with the
   * signal's reason and leaves no blob. Also wakes a `put` waiting on a stalled source.
   */
  readonly signal?: AbortSignal;
}

/**
 * Outcome of `put`. `SIZE`: the source yielded more or fewer bytes than expected (reading stops at
 * the first surplus byte; spec §7.1 corrections); `DIGEST`: the SHA-256 differs. Either way nothing
 * was stored and an existing blob under the key is untouched.
 */
export type BlobPutResult =
  { readonly ok: true } | { readonly ok: false; readonly error: 'SIZE' | 'DIGEST' };

/** A byte range of a blob: `length` bytes from `offset` (default: to the end). */
export interface BlobRange {
  readonly offset: number;
  readonly length?: number;
}

/** A blob being read: its total size and a stream over the requested range. */
export interface BlobReadHandle {
  readonly size: number;
  readonly stream: Readable;
}

/**
 * Streamed, atomic blob storage. Rejections are storage failures (`BlobStoreError`), errors of the
 * source itself (rethrown unchanged, so the caller can tell a client that went away or timed out
 * from a failing disk) or an abort.
 */
export interface BlobStore {
  /**
   * Streams `source` into the blob `key`, reading it only as fast as it is written (backpressure;
   * never the whole body in memory). Resolves `{ok: true}` only once the blob is durable and
   * visible under `key`, replacing any earlier blob there (both passed the same size and digest
   * checks, so a retried upload racing the first writes the same bytes). On any other outcome no
   * blob is created and no partial data stays visible. A source stopped early is not drained or
   * destroyed: what to do with the rest of the request is the caller's choice.
   */
  put(
    key: string,
    source: BlobSource,
    expectedSize: number,
    opts?: BlobPutOptions,
  ): Promise<BlobPutResult>;

  /** Opens the blob for streaming (never loaded whole); `undefined` if there is none. */
  get(key: string, range?: BlobRange): Promise<BlobReadHandle | undefined>;

  /** Removes the blob; `false` if there was none. Idempotent. */
  delete(key: string): Promise<boolean>;

  /** Whether the blob exists. */
  exists(key: string): Promise<boolean>;

  /** The blob's size in bytes, or `undefined` if there is none. */
  size(key: string): Promise<number | undefined>;
}

/** A storage failure of a blob store. The message names the operation and errno code, never the key or path. */
export class BlobStoreError extends Error {
  override readonly name = 'BlobStoreError';
  /** The underlying errno code (e.g. `ENOSPC`), when there is one. */
  readonly code: string | undefined;

  constructor(op: string, code: string | undefined) {
    super(`blob ${op} failed${code ? `: ${code}` : ''}`);
    this.code = code;
  }
}
