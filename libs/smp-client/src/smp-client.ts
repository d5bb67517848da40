// The typed SMP command API (spec smp.md §7): one method per recipient, sender, notifier and
// short-link command, with the response each allows (per version: `SOK` from v16, `OK` below;
// `MSG` instead of `OK` where the server may deliver). Upstream `Client.hs: createSMPQueue,
// subscribeSMPQueue(s), secureSMPQueue, secureSndSMPQueue, sendSMPMessage, getSMPMessage,
// ackSMPMessage, suspendSMPQueue, deleteSMPQueue, getSMPQueueInfo, enableSMPQueueNotifications,
// disableSMPQueueNotifications, subscribeSMPQueueNotifications, addSMPQueueLink, deleteSMPQueueLink,
// secureGetSMPQueueLink, getSMPQueueLink, updateSMPQueueKeys, pingSMPServer`.
import type {
  BrokerMsg,
  Command,
  CommandTag,
  EntityId,
  KeyPair,
  MsgFlags,
  NewNtfCreds,
  PrivateKey,
  PublicKey,
  QueueIdsKeys,
  QueueInfo,
  QueueLinkData,
  QueueReqData,
  SmpServer,
} from '@simplex-relay/protocol';
import { SmpClientCore, expectResponse, openConnection } from './client-core.ts';
import type { SmpClientOptions } from './client-core.ts';
import { rcvDhSecret } from './messages.ts';
import { connectProxiedRelay, proxyCommand } from './proxy.ts';
import type { ProxiedRelay, ProxySessionOptions } from './proxy.ts';

const NO_ENTITY = new Uint8Array(0);

/** A `MSG` as returned to the command that fetched it (`SUB`, `GET`, `ACK`). */
export interface ReceivedMessage {
  readonly msgId: Uint8Array;
  /** crypto_box with rcvDhSecret; open with `decryptRcvMessage`. */
  readonly encBody: Uint8Array;
}

/** Parameters of `NEW`. */
export interface CreateQueueRequest {
  /** Recipient auth key: Ed25519, Ed448 or X25519; the private key authorizes `NEW`. */
  readonly rcvAuthKey: KeyPair;
  /** X25519 key pair for the server → recipient encryption. */
  readonly rcvDhKey: KeyPair;
  /** Subscribe this connection right away (`'S'`) or only create (`'C'`). Default true. */
  readonly subscribe?: boolean;
  /** Server password; default the one in the address. */
  readonly basicAuth?: Uint8Array;
  /** Queue mode and link data (v ≥ 15; v 9–14 keep only the mode; dropped below v9). */
  readonly queueReqData?: QueueReqData;
  /** Notifier credentials created with the queue (v ≥ 17; dropped below). */
  readonly ntfCreds?: NewNtfCreds;
  /** corrId of the `NEW` (a client-chosen sender ID must be `senderIdForCorrId(corrId)`). */
  readonly corrId?: Uint8Array;
}

/** `IDS` fields plus the recipient's DH secret for `MSG` bodies. */
export interface CreatedQueue extends QueueIdsKeys {
  readonly rcvDhSecret: Uint8Array;
}

/** A queue to subscribe in `subscribeMany`. */
export interface SubscribeRequest {
  readonly rcvId: EntityId;
  readonly key: PrivateKey;
}

/** Outcome of one subscription of `subscribeMany`. */
export type SubscribeResult =
  | { readonly ok: true; readonly msg?: ReceivedMessage | undefined }
  | { readonly ok: false; readonly error: Error };

/** Link data as returned by `LKEY`/`LGET`. */
export interface LinkResponse {
  readonly senderId: EntityId;
  readonly data: QueueLinkData;
}

const asMessage = (m: Extract<BrokerMsg, { tag: 'MSG' }>): ReceivedMessage => ({
  msgId: m.msgId,
  encBody: m.encBody,
});

/** The SMP client with a typed method per command. */
export class SmpClient extends SmpClientCore {
  /** TLS + SMP handshake to `address` (see `openConnection`). */
  static async connect(
    address: string | SmpServer,
    opts: SmpClientOptions = {},
  ): Promise<SmpClient> {
    return new SmpClient(await openConnection(address, opts), opts);
  }

  /** `PING` → `PONG`. */
  async ping(): Promise<void> {
    await this.expect(NO_ENTITY, undefined, { tag: 'PING' }, 'PONG');
  }

  /** `NEW` → `IDS` (§7.2), plus `rcvDhSecret` computed from the server's DH key. */
  async createQueue(r: CreateQueueRequest): Promise<CreatedQueue> {
    const basicAuth = r.basicAuth ?? this.basicAuth;
    const req = {
      rcvAuthKey: r.rcvAuthKey.pub,
      rcvDhKey: r.rcvDhKey.pub,
      subMode: r.subscribe === false ? ('onlyCreate' as const) : ('subscribe' as const),
      ...(basicAuth !== undefined && { basicAuth }),
      ...(r.queueReqData !== undefined && { queueReqData: r.queueReqData }),
      ...(r.ntfCreds !== undefined && { ntfCreds: r.ntfCreds }),
    };
    const msg = await this.sendCommand(NO_ENTITY, r.rcvAuthKey.priv, { tag: 'NEW', req }, r.corrId);
    const { ids } = expectResponse(msg, 'NEW', 'IDS');
    return { ...ids, rcvDhSecret: rcvDhSecret(this.provider, ids.rcvPublicDhKey, r.rcvDhKey.priv) };
  }

  /**
   * `SUB` → `SOK` (v ≥ 16) / `OK`. A waiting message normally follows as an event; servers may also
   * answer with the `MSG` itself (upstream `processSUBResponse_`), which is then returned.
   */
  async subscribe(rcvId: EntityId, key: PrivateKey): Promise<ReceivedMessage | undefined> {
    const m = expectResponse(
      await this.sendCommand(rcvId, key, { tag: 'SUB' }),
      'SUB',
      'SOK',
      'OK',
      'MSG',
    );
    return m.tag === 'MSG' ? asMessage(m) : undefined;
  }

  /** Many `SUB`s in one batch (as few blocks as possible); one result per request, in order. */
  async subscribeMany(qs: readonly SubscribeRequest[]): Promise<SubscribeResult[]> {
    const rs = await this.sendBatch(
      qs.map((q) => ({ entityId: q.rcvId, key: q.key, command: { tag: 'SUB' as const } })),
    );
    return rs.map((r): SubscribeResult => {
      if (!r.ok) return r;
      try {
        const m = expectResponse(r.msg, 'SUB', 'SOK', 'OK', 'MSG');
        return { ok: true, msg: m.tag === 'MSG' ? asMessage(m) : undefined };
      } catch (e) {
        return { ok: false, error: e as Error };
      }
    });
  }

  /** `KEY`: the recipient sets the sender key (legacy securing). */
  async secureQueue(rcvId: EntityId, key: PrivateKey, senderKey: PublicKey): Promise<void> {
    await this.expect(rcvId, key, { tag: 'KEY', senderKey }, 'OK');
  }

  /** `SKEY` (v ≥ 9): the sender secures a messaging queue; authorized by the new key itself. */
  async secureSndQueue(sndId: EntityId, senderKey: KeyPair): Promise<void> {
    await this.expect(sndId, senderKey.priv, { tag: 'SKEY', senderKey: senderKey.pub }, 'OK');
  }

  /** `SEND`; unauthorized (`key` undefined) until the queue has a sender key. */
  async sendMessage(
    sndId: EntityId,
    key: PrivateKey | undefined,
    body: Uint8Array,
    opts: { readonly notification?: boolean } = {},
  ): Promise<void> {
    const flags = { notification: opts.notification ?? false };
    await this.expect(sndId, key, { tag: 'SEND', flags, body }, 'OK');
  }

  /** `GET`: the head message, or undefined if the queue is empty (`OK`). */
  async getMessage(rcvId: EntityId, key: PrivateKey): Promise<ReceivedMessage | undefined> {
    const m = await this.expect(rcvId, key, { tag: 'GET' }, 'MSG', 'OK');
    return m.tag === 'MSG' ? asMessage(m) : undefined;
  }

  /** `ACK`: in SUB mode the next message may come back as the response; otherwise undefined. */
  async ack(
    rcvId: EntityId,
    key: PrivateKey,
    msgId: Uint8Array,
  ): Promise<ReceivedMessage | undefined> {
    const m = await this.expect(rcvId, key, { tag: 'ACK', msgId }, 'MSG', 'OK');
    return m.tag === 'MSG' ? asMessage(m) : undefined;
  }

  /** `OFF`: no more `SEND`s to this queue. */
  async suspendQueue(rcvId: EntityId, key: PrivateKey): Promise<void> {
    await this.expect(rcvId, key, { tag: 'OFF' }, 'OK');
  }

  /** `DEL`: delete the queue and its messages. */
  async deleteQueue(rcvId: EntityId, key: PrivateKey): Promise<void> {
    await this.expect(rcvId, key, { tag: 'DEL' }, 'OK');
  }

  /** `QUE` → `INFO` (debugging only). */
  async getQueueInfo(rcvId: EntityId, key: PrivateKey): Promise<QueueInfo> {
    return (await this.expect(rcvId, key, { tag: 'QUE' }, 'INFO')).info;
  }

  /** `NKEY` → `NID`: (re)creates the notifier; a new notifier ID every time. */
  async enableNotifications(
    rcvId: EntityId,
    key: PrivateKey,
    notifierKey: PublicKey,
    rcvNtfDhKey: PublicKey,
  ): Promise<{ readonly notifierId: EntityId; readonly srvNtfDhKey: PublicKey }> {
    const m = await this.expect(rcvId, key, { tag: 'NKEY', notifierKey, rcvNtfDhKey }, 'NID');
    return { notifierId: m.notifierId, srvNtfDhKey: m.srvNtfDhKey };
  }

  /** `NDEL`: removes the notifier. */
  async disableNotifications(rcvId: EntityId, key: PrivateKey): Promise<void> {
    await this.expect(rcvId, key, { tag: 'NDEL' }, 'OK');
  }

  /** `NSUB` → `SOK` (v ≥ 16) / `OK`: `NMSG` events follow. */
  async subscribeNotifications(notifierId: EntityId, key: PrivateKey): Promise<void> {
    await this.expect(notifierId, key, { tag: 'NSUB' }, 'SOK', 'OK');
  }

  /** `LSET` (v ≥ 15): sets the queue's short-link data. */
  async setLinkData(
    rcvId: EntityId,
    key: PrivateKey,
    linkId: EntityId,
    data: QueueLinkData,
  ): Promise<void> {
    await this.expect(rcvId, key, { tag: 'LSET', linkId, data }, 'OK');
  }

  /** `LDEL` (v ≥ 15): deletes the short-link data. */
  async deleteLinkData(rcvId: EntityId, key: PrivateKey): Promise<void> {
    await this.expect(rcvId, key, { tag: 'LDEL' }, 'OK');
  }

  /** `LKEY` → `LNK`: secures a messaging queue by its link ID and returns the link data. */
  async secureGetLink(linkId: EntityId, senderKey: KeyPair): Promise<LinkResponse> {
    const m = await this.expect(
      linkId,
      senderKey.priv,
      { tag: 'LKEY', senderKey: senderKey.pub },
      'LNK',
    );
    return { senderId: m.senderId, data: m.data };
  }

  /** `LGET` → `LNK`: reads a contact queue's link data (unauthorized). */
  async getLinkData(linkId: EntityId): Promise<LinkResponse> {
    const m = await this.expect(linkId, undefined, { tag: 'LGET' }, 'LNK');
    return { senderId: m.senderId, data: m.data };
  }

  /** `RKEY`: replaces the recipient keys of a contact queue. */
  async updateRecipientKeys(
    rcvId: EntityId,
    key: PrivateKey,
    keys: readonly [PublicKey, ...PublicKey[]],
  ): Promise<void> {
    await this.expect(rcvId, key, { tag: 'RKEY', recipientKeys: keys }, 'OK');
  }

  /**
   * `PRXY` → `PKEY` (§7.11): a session with `relay` through this server as proxy, the relay's
   * identity checked (see `connectProxiedRelay`).
   */
  async createProxySession(
    relay: string | SmpServer,
    opts: ProxySessionOptions = {},
  ): Promise<ProxiedRelay> {
    return connectProxiedRelay(this, relay, opts);
  }

  /** Any sender command for the relay of `session`, through this proxy (see `proxyCommand`). */
  async proxyCommand(
    session: ProxiedRelay,
    entityId: EntityId,
    key: PrivateKey | undefined,
    command: Command,
  ): Promise<BrokerMsg> {
    return proxyCommand(this, session, entityId, key, command);
  }

  /** `SEND` to a queue on the relay of `session`, through this proxy; unauthorized without `senderKey`. */
  async proxySendMessage(
    session: ProxiedRelay,
    senderId: EntityId,
    senderKey: PrivateKey | undefined,
    flags: MsgFlags,
    body: Uint8Array,
  ): Promise<void> {
    const m = await proxyCommand(this, session, senderId, senderKey, { tag: 'SEND', flags, body });
    expectResponse(m, 'SEND', 'OK');
  }

  private async expect<T extends BrokerMsg['tag']>(
    entityId: EntityId,
    key: PrivateKey | undefined,
    command: Command,
    ...tags: T[]
  ): Promise<Extract<BrokerMsg, { tag: T }>> {
    const tag: CommandTag = command.tag;
    return expectResponse(await this.sendCommand(entityId, key, command), tag, ...tags);
  }
}
