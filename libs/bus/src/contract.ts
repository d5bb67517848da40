// The gateway ↔ queue-store contract (docs/architecture.md, "The bus"). Gateways hold TLS
// connections only; every queue operation travels to the store instance that owns the queue's
// virtual shard, and everything a store sends back to a gateway (answers and events alike) travels
// on that gateway's one inbound subject, so per (store, gateway) pair it arrives in the order the
// store produced it — an ACK's answer can never overtake the MSG event the store pushed after it.
import type { BlockingInfo } from '@simplex-relay/protocol';

/** Version of the binary payloads below; the first byte of every bus message. */
export const BUS_VERSION = 1;

/** A connection in the cluster: the gateway that holds it and its number there. */
export interface ConnRef {
  readonly gatewayId: string;
  readonly connId: number;
}

/** Which index an ID belongs to, for release and resubscribe (recipient or notifier). */
export type SubKind = 'rcv' | 'ntf';

/** One SMP command, as parsed and shape-checked by the gateway (spec smp.md §6.3 passed). */
export interface CommandOp {
  readonly type: 'command';
  readonly connId: number;
  /** The connection's negotiated SMP version: the store encodes answers for it. */
  readonly smpVersion: number;
  /** tls-unique of the connection: the first field of the authorized bytes (§6.2). */
  readonly sessionId: Uint8Array;
  readonly corrId: Uint8Array;
  readonly entityId: Uint8Array;
  /** Signature (64/114 bytes), X25519 authenticator (80) or empty. */
  readonly auth: Uint8Array;
  /**
   * The connection's X25519 session private key, sent only with an 80-byte authenticator: the
   * store needs it to verify (§6.4) and it lives no longer than the connection.
   */
  readonly sessionKey?: Uint8Array;
  /** The command bytes (tag and parameters), as received. */
  readonly command: Uint8Array;
  /**
   * `NEW` without a client-chosen sender ID: the random sender ID the gateway drew. Its vshard
   * decided which store got the op, so the store must use exactly this ID (or answer so).
   */
  readonly newSenderId?: Uint8Array;
}

/** The connection closed: drop its subscriptions and GET state for these IDs. */
export interface ReleaseOp {
  readonly type: 'release';
  readonly connId: number;
  readonly ids: readonly { readonly kind: SubKind; readonly id: Uint8Array }[];
}

/**
 * Re-register subscriptions a store lost (it restarted or took over the shard): as `SUB`/`NSUB`
 * without answers; the head message is delivered again as an event (clients de-duplicate by ID).
 */
export interface ResubscribeOp {
  readonly type: 'resubscribe';
  readonly connId: number;
  readonly smpVersion: number;
  readonly ids: readonly { readonly kind: SubKind; readonly id: Uint8Array }[];
}

export type StoreOp = CommandOp | ReleaseOp | ResubscribeOp;

/** Gateway → store: the ops of one received block that belong to this store. */
export interface StoreRequest {
  readonly gatewayId: string;
  readonly batchId: number;
  readonly ops: readonly StoreOp[];
}

/** One transmission for the gateway to send: with the command's corrId, or as an event. */
export interface OutTransmission {
  /** true: the op's corrId (a response); false: empty corrId (an event such as MSG after SOK). */
  readonly useCorrId: boolean;
  readonly entityId: Uint8Array;
  /** The encoded BrokerMsg, already at the connection's version. */
  readonly msg: Uint8Array;
}

/** The outcome of one op. */
export type OpResult =
  | { readonly type: 'transmissions'; readonly items: readonly OutTransmission[] }
  /** The entity lives on another vshard (link IDs): send the op again, to that shard's owner. */
  | { readonly type: 'redirect'; readonly vshard: number };

/**
 * Store → gateway: results for ops `first … first + results.length - 1` of a request. Large
 * answers (many MSGs) are split over several parts so no bus message exceeds the payload limit.
 */
export interface StoreAnswer {
  readonly type: 'answer';
  readonly storeId: string;
  readonly batchId: number;
  readonly first: number;
  readonly results: readonly OpResult[];
}

/** A server-initiated transmission for one connection (MSG, END, DELD, NMSG, ERR BLOCKED). */
export interface ConnEvent {
  readonly connId: number;
  readonly entityId: Uint8Array;
  readonly msg: Uint8Array;
}

/** Store → gateway: events for connections held by the gateway. */
export interface StoreEvents {
  readonly type: 'events';
  readonly storeId: string;
  readonly events: readonly ConnEvent[];
}

export type GatewayInbound = StoreAnswer | StoreEvents;

/** An inclusive range of vshards. */
export interface VShardRange {
  readonly from: number;
  readonly to: number;
}

/** Periodic announcement of a store: which vshards it owns, and its epoch (changes on restart). */
export interface StoreHeartbeat {
  readonly storeId: string;
  readonly epoch: bigint;
  readonly vshards: readonly VShardRange[];
}

/** Periodic announcement of a gateway; stores drop the registry entries of a silent gateway. */
export interface GatewayHeartbeat {
  readonly gatewayId: string;
  readonly epoch: bigint;
}

// Operator actions (upstream control port `block`/`unblock`/`delete`/`status`, `Server.hs: CPBlock,
// CPUnblock, CPDelete, CPStatus`; spec smp.md §8.8). A requester (the control port of a gateway, later
// the admin API) sends one request to the store owning the queue's vshard, on that store's operator
// subject; the store answers on the requester's operator-answer subject. Kept apart from the SMP
// request path: no connection, no corrId, and an answer is one message.

/** Which queue an operator request is about: by sender ID (upstream's handle) or recipient ID. */
export type OperatorQueueRef =
  { readonly senderId: Uint8Array } | { readonly recipientId: Uint8Array };

/** The action; `block` carries upstream `BlockingInfo` (reason and optional client notice). */
export type OperatorAction =
  | { readonly type: 'block'; readonly info: BlockingInfo }
  | { readonly type: 'unblock' }
  | { readonly type: 'delete' }
  | { readonly type: 'status' };

/** Requester → store. */
export interface OperatorRequest {
  /** Bus ID the answer goes to (`Subjects.operatorAnswers`). */
  readonly requesterId: string;
  /** Echoed in the answer. */
  readonly requestId: number;
  /** The vshard the requester routed by: a store that does not own it answers `NOT_OWNER`. */
  readonly vshard: number;
  readonly queue: OperatorQueueRef;
  readonly action: OperatorAction;
}

/** A queue's status as upstream `ServerEntityStatus` (same shape as the queue store's). */
export type OperatorQueueStatus =
  | { readonly kind: 'active' }
  | { readonly kind: 'off' }
  | ({ readonly kind: 'blocked' } & BlockingInfo);

/**
 * Why an operator request failed: `NOT_FOUND` no such queue (upstream answers `AUTH`), `QUOTA` the
 * daily block quota is used up, `OFF` unblock of a suspended queue, `NOT_OWNER` the store does not
 * own the vshard (the shard moved: ask the new owner), `INTERNAL` the store failed.
 */
export type OperatorError = 'NOT_FOUND' | 'QUOTA' | 'OFF' | 'NOT_OWNER' | 'INTERNAL';

/**
 * The outcome. `status` is the status before the action (block, unblock, delete) or the current one
 * (`status`); `status` also returns the queue mode and `updatedAt` (UTC day, epoch seconds).
 */
export type OperatorOutcome =
  | {
      readonly ok: true;
      readonly status: OperatorQueueStatus;
      readonly queue?: { readonly mode: 'M' | 'C' | null; readonly updatedAt: number };
    }
  | { readonly ok: false; readonly error: OperatorError };

/** Store → requester. */
export interface OperatorAnswer {
  readonly storeId: string;
  readonly requestId: number;
  readonly outcome: OperatorOutcome;
}
