// Per-connection block codecs (spec smp.md §5.3 with its Corrections entry, §4.4 step 4). Mirrors
// upstream `Transport.hs: tPutBlock, tGetBlock, blockEncryption, smpTHandleServer/Client` (the key
// swap) and `Crypto.hs: sbcInit, sbcHkdf, sbEncrypt, sbDecrypt`.
import type { CryptoProvider } from '../crypto/provider.ts';
import { sbDecrypt, sbEncrypt } from '../crypto/box.ts';
import { sbcHkdf, sbcInit } from '../crypto/chain.ts';
import { TransportError } from '../errors.ts';
import { encryptedBlockSMPVersion } from '../version/smp-versions.ts';
import {
  ENCRYPTED_BLOCK_CONTENT_MAX,
  ENCRYPTED_BLOCK_PADDED_SIZE,
  SMP_BLOCK_SIZE,
  decodePlainBlock,
  encodePlainBlock,
} from './block.ts';

/** Which end of the connection owns the codec: it decides which chain key sends. */
export type TransportRole = 'server' | 'client';

/** Turns batch content into 16384-byte blocks and back, for one connection (both directions). */
export interface BlockCodec {
  /** True for the encrypted-chain codec. */
  readonly encrypted: boolean;
  /** Largest content `encryptBlock` accepts (16366 encrypted, 16382 plain). */
  readonly maxContent: number;
  /** Content → one 16384-byte block; TransportError `LARGE_MSG` if it does not fit. */
  encryptBlock(content: Uint8Array): Uint8Array;
  /** One 16384-byte block → content; TransportError `BLOCK` if it does not decrypt or unpad. */
  decryptBlock(block: Uint8Array): Uint8Array;
}

const checkBlockSize = (block: Uint8Array): void => {
  if (block.length !== SMP_BLOCK_SIZE)
    throw new RangeError(`block must be ${SMP_BLOCK_SIZE} bytes, got ${block.length}`);
};

/** `pad(content, 16384)` in both directions: v < 11, no client key, or a proxy connection. */
export class PlainBlockCodec implements BlockCodec {
  readonly encrypted = false;
  readonly maxContent = SMP_BLOCK_SIZE - 2;

  encryptBlock(content: Uint8Array): Uint8Array {
    return encodePlainBlock(content);
  }

  decryptBlock(block: Uint8Array): Uint8Array {
    return decodePlainBlock(block);
  }
}

/** Inputs of the encrypted codec: the tls-unique session ID and the X25519 session secret. */
export interface BlockCipherParams {
  readonly sessionId: Uint8Array;
  /** X25519(clientHelloKey, serverSessionPriv) on the server; the same value on the client. */
  readonly dhSecret: Uint8Array;
  readonly role: TransportRole;
}

/**
 * The encrypted codec of §5.3: `(ck1, ck2) = sbcInit(sessionId, dhSecret)`; the server sends with
 * ck1 and receives with ck2, the client the reverse (upstream swaps the pair in `smpTHandleClient`).
 * Each call advances its own chain exactly once, decryption failures included.
 */
export function createBlockCipher(c: CryptoProvider, p: BlockCipherParams): BlockCodec {
  if (p.dhSecret.length !== 32) throw new RangeError('dhSecret must be 32 bytes');
  const [ck1, ck2] = sbcInit(c, p.sessionId, p.dhSecret);
  let sendCk = p.role === 'server' ? ck1 : ck2;
  let recvCk = p.role === 'server' ? ck2 : ck1;

  return {
    encrypted: true,
    maxContent: ENCRYPTED_BLOCK_CONTENT_MAX,
    encryptBlock(content: Uint8Array): Uint8Array {
      // Checked before the chain moves: upstream advances `sndKey` first and then fails in `pad`,
      // which would leave the peer one key behind; refusing up front keeps both chains in step.
      if (content.length > ENCRYPTED_BLOCK_CONTENT_MAX) {
        throw new TransportError(
          'LARGE_MSG',
          `block content of ${content.length} bytes exceeds ${ENCRYPTED_BLOCK_CONTENT_MAX}`,
        );
      }
      const { next, key, nonce } = sbcHkdf(c, sendCk);
      // Forward secrecy of the chain: the previous chain key must not outlive its use.
      sendCk.fill(0);
      sendCk = next;
      try {
        return sbEncrypt(c, key, nonce, content, ENCRYPTED_BLOCK_PADDED_SIZE);
      } finally {
        key.fill(0);
      }
    },
    decryptBlock(block: Uint8Array): Uint8Array {
      checkBlockSize(block);
      // The receive chain advances BEFORE decrypting (upstream `tGetBlock`: `stateTVar rcvKey
      // sbcHkdf`), as the sender advanced when it sent; so one bad block costs exactly one key and
      // the next block decrypts normally (spec Corrections, §5.3).
      const { next, key, nonce } = sbcHkdf(c, recvCk);
      recvCk.fill(0);
      recvCk = next;
      try {
        return sbDecrypt(c, key, nonce, block);
      } catch (e) {
        // Upstream maps this to TELargeMsg and the server answers `ERR BLOCK`; BLOCK is the code the
        // gateway maps to that answer.
        throw new TransportError('BLOCK', 'block does not decrypt', { cause: e });
      } finally {
        key.fill(0);
      }
    },
  };
}

/**
 * Upstream `blockEncryption`: blocks are encrypted iff v ≥ 11 AND the session has a DH secret (the
 * client sent a key, and on the client side the server sent one) AND the client is not a proxy.
 */
export function usesBlockEncryption(
  version: number,
  hasSessionKey: boolean,
  proxyServer: boolean,
): boolean {
  return version >= encryptedBlockSMPVersion && hasSessionKey && !proxyServer;
}

/** What `blockCodecFor` needs: the negotiated session, from either end. */
export interface BlockCodecParams {
  readonly version: number;
  readonly sessionId: Uint8Array;
  /** Session DH secret, if both keys were exchanged. */
  readonly dhSecret?: Uint8Array | undefined;
  readonly proxyServer: boolean;
  readonly role: TransportRole;
}

/** Chooses the codec per §4.4: encrypted iff `usesBlockEncryption`, plain otherwise. */
export function blockCodecFor(c: CryptoProvider, p: BlockCodecParams): BlockCodec {
  if (p.dhSecret !== undefined && usesBlockEncryption(p.version, true, p.proxyServer)) {
    return createBlockCipher(c, { sessionId: p.sessionId, dhSecret: p.dhSecret, role: p.role });
  }
  return new PlainBlockCodec();
}
