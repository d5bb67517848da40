// Barrel of src/transport (owned by that area); re-exported by src/index.ts. Bytes only, no sockets.
export {
  SMP_BLOCK_SIZE,
  BLOCK_TAG_SIZE,
  ENCRYPTED_BLOCK_PADDED_SIZE,
  PLAIN_BLOCK_CONTENT_MAX,
  ENCRYPTED_BLOCK_CONTENT_MAX,
  BATCH_RESERVED_BYTES,
  SMP_BATCH_CONTENT_MAX,
  MAX_BATCH_COUNT,
  encodeBatch,
  decodeBatch,
  batchTransmissions,
  encodePlainBlock,
  decodePlainBlock,
} from './block.ts';
export type { TransportBatch } from './block.ts';
export { BlockReader } from './block-reader.ts';
export {
  PlainBlockCodec,
  createBlockCipher,
  usesBlockEncryption,
  blockCodecFor,
} from './block-cipher.ts';
export type {
  BlockCodec,
  BlockCipherParams,
  BlockCodecParams,
  TransportRole,
} from './block-cipher.ts';
export {
  ServiceRole,
  encodeServerHello,
  decodeServerHello,
  encodeClientHello,
  decodeClientHello,
  transportErrorText,
  encodeServiceResponse,
  decodeServiceResponse,
  encodeHandshakeBlock,
  decodeHandshakeBlock,
  readServerHelloBlock,
  readClientHelloBlock,
  readServiceResponseBlock,
} from './handshake.ts';
export type {
  CertChainPubKey,
  ServerHello,
  ClientService,
  ClientHello,
  ClientHelloInput,
  TransportErrorText,
  ServiceResponse,
} from './handshake.ts';
export {
  negotiateServerSession,
  chooseClientVersion,
  negotiateClientSession,
} from './negotiate.ts';
export type {
  ServerSessionInput,
  PeerServiceRequest,
  ServerSession,
  ClientVersionChoice,
  ClientSessionInput,
  ClientSession,
} from './negotiate.ts';
export { transportParams } from './params.ts';
export type { TransportParams } from './params.ts';
