// fast-check arbitraries for XFTP commands, responses and errors, and small byte helpers shared by
// the xftp specs.
import fc from 'fast-check';
import type {
  BlockingInfo,
  FileCommand,
  FileResponse,
  PublicKey,
  XFTPErrorType,
} from '../../src/index.ts';
import { XFTP_SIMPLE_ERRORS } from '../../src/index.ts';

/** Every negotiable XFTP version. */
export const XFTP_VERSIONS = [1, 2, 3] as const;

const te = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Concatenates bytes, byte arrays and ASCII text. */
export const cat = (...xs: Array<Uint8Array | number[] | string>): Uint8Array =>
  Uint8Array.from(xs.flatMap((x) => (typeof x === 'string' ? [...te(x)] : [...x])));

const key = (alg: PublicKey['alg'], n: number): fc.Arbitrary<PublicKey> =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((raw) => ({ alg, raw }));
export const dhKey = key('x25519', 32);
export const authKey = fc.oneof(key('ed25519', 32), key('ed448', 57), key('x25519', 32));
export const id = fc.uint8Array({ maxLength: 32 });
const nonEmpty = <T>(a: fc.Arbitrary<T>, max: number): fc.Arbitrary<[T, ...T[]]> =>
  fc.array(a, { minLength: 1, maxLength: max }) as fc.Arbitrary<[T, ...T[]]>;
const basicAuthBytes = Array.from({ length: 0x7f - 0x21 }, (_, i) => 0x21 + i).filter(
  (c) => c !== 0x40 && c !== 0x3a && c !== 0x2f,
);
export const basicAuth = fc
  .array(fc.constantFrom(...basicAuthBytes), { maxLength: 24 })
  .map((xs) => Uint8Array.from(xs));

export const fileCommand: fc.Arbitrary<FileCommand> = fc.oneof(
  fc
    .record({
      sndKey: authKey,
      size: fc.integer({ min: 0, max: 0xffffffff }),
      digest: fc.uint8Array({ maxLength: 64 }),
      rcvKeys: nonEmpty(authKey, 5),
      basicAuth: fc.option(basicAuth, { nil: undefined }),
    })
    .map(({ sndKey, size, digest, rcvKeys, basicAuth: a }): FileCommand => {
      const file = { sndKey, size, digest };
      return a === undefined
        ? { tag: 'FNEW', file, rcvKeys }
        : { tag: 'FNEW', file, rcvKeys, basicAuth: a };
    }),
  nonEmpty(authKey, 5).map((rcvKeys): FileCommand => ({ tag: 'FADD', rcvKeys })),
  dhKey.map((rcvDhKey): FileCommand => ({ tag: 'FGET', rcvDhKey })),
  fc.constantFrom<FileCommand>({ tag: 'FPUT' }, { tag: 'FDEL' }, { tag: 'FACK' }, { tag: 'PING' }),
);

const blockingInfo: fc.Arbitrary<BlockingInfo> = fc
  .tuple(
    fc.constantFrom('spam' as const, 'content' as const),
    fc.option(fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined }), { nil: null }),
  )
  .map(([reason, notice]): BlockingInfo => {
    if (notice === null) return { reason };
    return { reason, notice: notice === undefined ? {} : { ttl: notice } };
  });

export const xftpError: fc.Arbitrary<XFTPErrorType> = fc.oneof(
  fc.constantFrom(...XFTP_SIMPLE_ERRORS).map((type): XFTPErrorType => ({ type })),
  fc
    .constantFrom('UNKNOWN', 'SYNTAX', 'PROHIBITED', 'NO_AUTH', 'HAS_AUTH', 'NO_ENTITY' as const)
    .map((cmd): XFTPErrorType => ({ type: 'CMD', cmd })),
  blockingInfo.map((info): XFTPErrorType => ({ type: 'BLOCKED', info })),
);

export const fileResponse: fc.Arbitrary<FileResponse> = fc.oneof(
  fc
    .record({ senderId: id, recipientIds: nonEmpty(id, 5) })
    .map((r): FileResponse => ({ tag: 'SIDS', ...r })),
  nonEmpty(id, 5).map((recipientIds): FileResponse => ({ tag: 'RIDS', recipientIds })),
  fc
    .record({ srvDhKey: dhKey, nonce: fc.uint8Array({ minLength: 24, maxLength: 24 }) })
    .map((r): FileResponse => ({ tag: 'FILE', ...r })),
  xftpError.map((error): FileResponse => ({ tag: 'ERR', error })),
  fc.constantFrom<FileResponse>({ tag: 'OK' }, { tag: 'PONG' }),
);
