// Barrel of src/smp: SMP commands, broker messages, errors, transmissions and text forms
// (spec smp.md §1.8, §1.9, §6, §7); re-exported by src/index.ts.
export type {
  EntityId,
  BasicAuth,
  SubscriptionMode,
  QueueMode,
  QueueLinkData,
  QueueReqData,
  NewNtfCreds,
  NewQueueReq,
  MsgFlags,
  Command,
  CommandTag,
  CommandOf,
  Party,
} from './commands.ts';
export { COMMAND_PARTY, useServiceAuth } from './commands.ts';
export type { CommandParseResult } from './command-codec.ts';
export { encodeCommand, decodeCommand, parseCommand, isCommandTag } from './command-codec.ts';
export type {
  BrokerMsg,
  BrokerMsgTag,
  BrokerMsgParseResult,
  QueueIdsKeys,
  ServerNtfCreds,
} from './broker-msg-codec.ts';
export {
  encodeBrokerMsg,
  decodeBrokerMsg,
  parseBrokerMsg,
  checkBrokerMsgCredentials,
  NMSG_NONCE_LENGTH,
} from './broker-msg-codec.ts';
export type {
  ErrorType,
  BrokerErrorType,
  ProxyError,
  TransportErrorType,
  BlockingInfo,
  BlockingReason,
  ClientNotice,
} from './errors.ts';
export {
  CommandError,
  cmdError,
  encodeErrorType,
  decodeErrorType,
  encodeErrorTypeBytes,
  decodeErrorTypeBytes,
  encodeBlockingInfo,
  decodeBlockingInfo,
} from './errors.ts';
export type {
  TransmissionParams,
  TransmissionAuth,
  OutgoingTransmission,
  RawTransmission,
  CheckedTransmission,
  FailedTransmission,
  TransmissionDecodeResult,
  ClientTransmission,
} from './transmission.ts';
export {
  transmissionParams,
  AUTHENTICATOR_LENGTH,
  decodeTAuth,
  authorizedBytes,
  encodeTransmission,
  encodeResponseTransmission,
  parseRawTransmission,
  decodeTransmission,
  decodeServerTransmission,
  decodeClientTransmission,
  checkCredentials,
} from './transmission.ts';
export type { RcvMsgBody, NMsgMeta } from './msg-body.ts';
export {
  MAX_MESSAGE_LENGTH,
  encodeRcvMsgBody,
  decodeRcvMsgBody,
  encodeNMsgMeta,
  decodeNMsgMeta,
} from './msg-body.ts';
export type { CertChainPubKey } from './cert-chain.ts';
export { encodeCertChainPubKey, decodeCertChainPubKey, isDerSequence } from './cert-chain.ts';
export type { TransportHost, SmpServer, ProtocolScheme, ServerAddress } from './address.ts';
export {
  DEFAULT_SMP_PORT,
  isValidBasicAuth,
  encodeBasicAuth,
  decodeBasicAuth,
  parseTransportHost,
  formatTransportHost,
  encodeSmpServer,
  decodeSmpServer,
  parseServerAddress,
  formatServerAddress,
} from './address.ts';
export type { QueueInfo, QSub, QSubThread, MsgInfo } from './queue-info.ts';
export { encodeQueueInfo, decodeQueueInfo } from './queue-info.ts';
export { encodeBase64Url, decodeBase64Url, encodeBase64, decodeBase64 } from './base64.ts';
export { utf8Encode, utf8DecodeLossy, utf8DecodeStrict } from './utf8.ts';
export type { FwdTransmission, FwdResponse } from './proxy.ts';
export {
  PADDED_PROXIED_T_LENGTH,
  encodeFwdTransmission,
  decodeFwdTransmission,
  encodeFwdResponse,
  decodeFwdResponse,
  forwardSecret,
  sealForwardedTransmission,
  openForwardedTransmission,
  sealForwardedResponse,
  openForwardedResponse,
  sealFwdTransmission,
  openFwdTransmission,
  sealFwdResponse,
  openFwdResponse,
} from './proxy.ts';
