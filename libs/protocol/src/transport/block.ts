// Transport blocks and batches (spec smp.md §5.1, §5.2). Mirrors upstream `Transport.hs: smpBlockSize`
// and `Protocol.hs: batchTransmissions_, tEncodeForBatch, tEncodeBatch1, tParse` (batch framing) and
// `Crypto.hs: pad, unPad` as used by `tPutBlock`/`tGetBlock` for plain (unencrypted) blocks.
import { Decoder } from '../encoding/decoder.ts';
import { Writer } from '../encoding/writer.ts';
import { pad, unPad } from '../crypto/padding.ts';
import { TransportError } from '../errors.ts';

/** Every read and write after TLS is exactly this many bytes (upstream `smpBlockSize`). */
export const SMP_BLOCK_SIZE = 16384;
/** Poly1305 tag length in front of an encrypted block (§2.2). */
export const BLOCK_TAG_SIZE = 16;
/** Padded length inside an encrypted block: 16384 − 16 = 16368 (`tPutBlock`: `blockSize - 16`). */
export const ENCRYPTED_BLOCK_PADDED_SIZE = SMP_BLOCK_SIZE - BLOCK_TAG_SIZE;
/** Largest content of a plain block: 16384 − 2 pad-length bytes = 16382. */
export const PLAIN_BLOCK_CONTENT_MAX = SMP_BLOCK_SIZE - 2;
/** Largest content of an encrypted block: 16368 − 2 = 16366. */
export const ENCRYPTED_BLOCK_CONTENT_MAX = ENCRYPTED_BLOCK_PADDED_SIZE - 2;
/**
 * Bytes upstream reserves per block when batching: 2 (pad length) + 1 (count) + 16 (auth tag), the
 * same for plain blocks (`batchTransmissions_`: `bSize - 19`).
 */
export const BATCH_RESERVED_BYTES = 19;
/**
 * Default batch budget: the largest batch content `count || lb(t)…`, 16366 bytes, i.e. the sum of
 * the `lb(t)` items is at most 16365 (`batchTransmissions_`), so every batch fits an encrypted block.
 */
export const SMP_BATCH_CONTENT_MAX = SMP_BLOCK_SIZE - BATCH_RESERVED_BYTES + 1;
/** At most 255 transmissions per batch: the count is one byte (`lenEncode n`). */
export const MAX_BATCH_COUNT = 255;

/** Encodes batch content `count:1 || lb(t_1) || … || lb(t_n)` (upstream `TBTransmissions` bytes). */
export function encodeBatch(transmissions: readonly Uint8Array[]): Uint8Array {
  const n = transmissions.length;
  if (n < 1 || n > MAX_BATCH_COUNT)
    throw new RangeError(`batch must hold 1..255 transmissions, got ${n}`);
  let size = 1;
  for (const t of transmissions) size += 2 + t.length;
  const w = new Writer(size);
  w.byte(n);
  for (const t of transmissions) w.large(t);
  return w.finish();
}

/**
 * Decodes batch content exactly: a non-zero count, that many `lb(t)` items and nothing after
 * (upstream `tParse`: `parseAll` of `NonEmpty Large`). Throws ParseError otherwise.
 */
export function decodeBatch(content: Uint8Array): Uint8Array[] {
  const d = new Decoder(content);
  const ts = d.nonEmpty((x) => x.large());
  d.assertEnd();
  return ts;
}

/** One outcome of `batchTransmissions`, in input order (upstream `TransportBatch`). */
export type TransportBatch =
  | {
      readonly type: 'batch';
      /** Batch content ready for a block codec (count byte included). */
      readonly content: Uint8Array;
      readonly transmissions: readonly Uint8Array[];
      /** Input positions of `transmissions`, ascending. */
      readonly indices: readonly number[];
    }
  | {
      readonly type: 'error';
      /** Always `LARGE_MSG`: the transmission alone exceeds the budget (upstream `TBError TELargeMsg`). */
      readonly error: TransportError;
      readonly index: number;
    };

/**
 * Splits encoded transmissions into block-sized batches exactly as upstream `batchTransmissions_`:
 * it folds from the END of the list, so the last batches are full and the first is the partial one;
 * order is preserved; a transmission too large for any block becomes an `error` entry and also closes
 * the batch being filled (no batch spans it). `budget` bounds the batch content (count byte included).
 */
export function batchTransmissions(
  ts: readonly Uint8Array[],
  budget = SMP_BATCH_CONTENT_MAX,
): TransportBatch[] {
  if (!Number.isInteger(budget) || budget < 3 || budget > PLAIN_BLOCK_CONTENT_MAX) {
    throw new RangeError(`batch budget must be 3..${PLAIN_BLOCK_CONTENT_MAX}, got ${budget}`);
  }
  const itemsBudget = budget - 1; // upstream compares Σ lb(t) with bSize − 19; the count byte is the 1
  const out: TransportBatch[] = []; // built back to front, reversed at the end
  let idx: number[] = []; // current batch, back to front
  let len = 0;
  const close = (): void => {
    if (idx.length === 0) return;
    idx.reverse();
    const transmissions = idx.map((i) => ts[i] as Uint8Array);
    out.push({ type: 'batch', content: encodeBatch(transmissions), transmissions, indices: idx });
    idx = [];
    len = 0;
  };
  for (let i = ts.length - 1; i >= 0; i--) {
    const sLen = 2 + (ts[i] as Uint8Array).length; // the lb() item, as `tEncodeForBatch` produces it
    if (len + sLen <= itemsBudget && idx.length < MAX_BATCH_COUNT) {
      idx.push(i);
      len += sLen;
    } else if (sLen <= itemsBudget) {
      close();
      idx.push(i);
      len = sLen;
    } else {
      close();
      out.push({
        type: 'error',
        error: new TransportError('LARGE_MSG', 'transmission does not fit a block'),
        index: i,
      });
    }
  }
  close();
  return out.reverse();
}

/** `pad(content, 16384)`: a plain block (v < 11, no client key, or proxy connections; §5.2). */
export function encodePlainBlock(content: Uint8Array): Uint8Array {
  // Checked here so an oversized content is reported as upstream `tPutBlock` does (TELargeMsg).
  if (content.length > PLAIN_BLOCK_CONTENT_MAX) {
    throw new TransportError(
      'LARGE_MSG',
      `block content of ${content.length} bytes exceeds ${PLAIN_BLOCK_CONTENT_MAX}`,
    );
  }
  return pad(content, SMP_BLOCK_SIZE);
}

/**
 * Unpads a plain block. The padding bytes are not checked (upstream `unPad` ignores them). A block
 * that is not 16384 bytes is a RangeError (the block reader guarantees the size); a bad length word
 * is TransportError `BLOCK` (upstream `tGetBlock` fails and the server answers `ERR BLOCK`).
 */
export function decodePlainBlock(block: Uint8Array): Uint8Array {
  if (block.length !== SMP_BLOCK_SIZE)
    throw new RangeError(`block must be ${SMP_BLOCK_SIZE} bytes, got ${block.length}`);
  return unPadBlock(block);
}

/** unPad with its failure reported as TransportError `BLOCK`. */
function unPadBlock(padded: Uint8Array): Uint8Array {
  try {
    return unPad(padded);
  } catch (e) {
    throw new TransportError('BLOCK', 'bad block padding', { cause: e });
  }
}
