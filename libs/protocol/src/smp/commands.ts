// Client → server commands of SMP (spec smp.md §7.1–§7.11) as a discriminated union on the wire
// tag; upstream `Protocol.hs: Command p, NewQueueReq, QueueReqData, NewNtfCreds, MsgFlags`.
// Wire encodings live in command-codec.ts; the party of each command is in COMMAND_PARTY.
import type { PublicKey } from '../crypto/keys.ts';
import type { SmpServer } from './address.ts';

/** Opaque entity / queue / link / message IDs (short strings on the wire). */
export type EntityId = Uint8Array;

/** Server password (upstream `BasicAuth`): printable, no whitespace, `@`, `:` or `/` (address.ts checks). */
export type BasicAuth = Uint8Array;

/** `NEW` subscription mode: `'S'` subscribe now, `'C'` only create (upstream `SubscriptionMode`). */
export type SubscriptionMode = 'subscribe' | 'onlyCreate';

/** Queue mode `'M'`/`'C'` (upstream `QueueMode`): messaging queues can be secured by the sender. */
export type QueueMode = 'messaging' | 'contact';

/** Short-link data: two opaque blobs, each a Large string (upstream `QueueLinkData`). */
export interface QueueLinkData {
  readonly fixedData: Uint8Array;
  readonly userData: Uint8Array;
}

/** Requested queue mode and optional link data (upstream `QueueReqData`, v ≥ 15). */
export type QueueReqData =
  | {
      readonly mode: 'messaging';
      readonly link?: { readonly senderId: EntityId; readonly data: QueueLinkData };
    }
  | {
      readonly mode: 'contact';
      readonly link?: {
        readonly linkId: EntityId;
        readonly senderId: EntityId;
        readonly data: QueueLinkData;
      };
    };

/** Notifier credentials requested in `NEW` (v ≥ 17, upstream `NewNtfCreds`). */
export interface NewNtfCreds {
  readonly notifierKey: PublicKey;
  readonly rcvNtfDhKey: PublicKey;
}

/** Parameters of `NEW` (upstream `NewQueueReq`). */
export interface NewQueueReq {
  /** Recipient auth key: Ed25519, Ed448 or X25519. */
  readonly rcvAuthKey: PublicKey;
  /** X25519 key for the server → recipient body encryption. */
  readonly rcvDhKey: PublicKey;
  readonly basicAuth?: BasicAuth;
  readonly subMode: SubscriptionMode;
  /** v ≥ 15 fully; v 9–14 only the mode survives (as `sndSecure`); v < 9 absent. */
  readonly queueReqData?: QueueReqData;
  /** v ≥ 17 only. */
  readonly ntfCreds?: NewNtfCreds;
}

/** `SEND` flags (upstream `MsgFlags`); only the notification bit exists. */
export interface MsgFlags {
  readonly notification: boolean;
}

/** Every client → server command; `tag` is the wire tag. */
export type Command =
  | { readonly tag: 'NEW'; readonly req: NewQueueReq }
  | { readonly tag: 'SUB' }
  | { readonly tag: 'SUBS' }
  | { readonly tag: 'KEY'; readonly senderKey: PublicKey }
  | { readonly tag: 'RKEY'; readonly recipientKeys: readonly [PublicKey, ...PublicKey[]] }
  | { readonly tag: 'LSET'; readonly linkId: EntityId; readonly data: QueueLinkData }
  | { readonly tag: 'LDEL' }
  | { readonly tag: 'NKEY'; readonly notifierKey: PublicKey; readonly rcvNtfDhKey: PublicKey }
  | { readonly tag: 'NDEL' }
  | { readonly tag: 'GET' }
  | { readonly tag: 'ACK'; readonly msgId: Uint8Array }
  | { readonly tag: 'OFF' }
  | { readonly tag: 'DEL' }
  | { readonly tag: 'QUE' }
  | { readonly tag: 'SKEY'; readonly senderKey: PublicKey }
  | { readonly tag: 'SEND'; readonly flags: MsgFlags; readonly body: Uint8Array }
  | { readonly tag: 'PING' }
  | { readonly tag: 'LKEY'; readonly senderKey: PublicKey }
  | { readonly tag: 'LGET' }
  | { readonly tag: 'NSUB' }
  | { readonly tag: 'NSUBS' }
  | { readonly tag: 'PRXY'; readonly server: SmpServer; readonly basicAuth?: BasicAuth }
  | {
      readonly tag: 'PFWD';
      readonly fwdVersion: number;
      /** Per-command X25519 key. */
      readonly commandKey: PublicKey;
      readonly encTransmission: Uint8Array;
    }
  | { readonly tag: 'RFWD'; readonly encFwdTransmission: Uint8Array };

/** Command tags. */
export type CommandTag = Command['tag'];

/** The command of one tag. */
export type CommandOf<T extends CommandTag> = Extract<Command, { tag: T }>;

/** Command parties (upstream `Party`); they decide the ID index and the service role. */
export type Party =
  | 'Creator'
  | 'Recipient'
  | 'RecipientService'
  | 'Sender'
  | 'IdleClient'
  | 'Notifier'
  | 'NotifierService'
  | 'LinkClient'
  | 'ProxiedClient'
  | 'ProxyService';

/** The party of each command (upstream `decodeTag @CmdTag`). */
export const COMMAND_PARTY: Readonly<Record<CommandTag, Party>> = {
  NEW: 'Creator',
  SUB: 'Recipient',
  SUBS: 'RecipientService',
  KEY: 'Recipient',
  RKEY: 'Recipient',
  LSET: 'Recipient',
  LDEL: 'Recipient',
  NKEY: 'Recipient',
  NDEL: 'Recipient',
  GET: 'Recipient',
  ACK: 'Recipient',
  OFF: 'Recipient',
  DEL: 'Recipient',
  QUE: 'Recipient',
  SKEY: 'Sender',
  SEND: 'Sender',
  PING: 'IdleClient',
  LKEY: 'LinkClient',
  LGET: 'LinkClient',
  NSUB: 'Notifier',
  NSUBS: 'NotifierService',
  PRXY: 'ProxiedClient',
  PFWD: 'ProxiedClient',
  RFWD: 'ProxyService',
};

/** Commands that carry a service signature in a service session (upstream `useServiceAuth`). */
export function useServiceAuth(cmd: Command): boolean {
  return cmd.tag === 'NEW' || cmd.tag === 'SUB' || cmd.tag === 'NSUB';
}
