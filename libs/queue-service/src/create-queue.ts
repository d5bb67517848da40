// NEW → IDS (spec smp.md §7.2). Upstream `Server.hs: processCommand NEW, createQueue`. Recipient
// and notifier IDs are drawn inside the sender ID's vshard (`ShardRouter.newServerId`), so every ID
// of the queue routes to this store.
import {
  CommandError,
  bytesEqual,
  dhSecret,
  encodePubKeyDer,
  generateKeyPair,
  sha3_384,
} from '@simplex-relay/protocol';
import type { KeyPair, NewQueueReq, QueueIdsKeys } from '@simplex-relay/protocol';
import type { OpResult } from '@simplex-relay/bus';
import type { NtfCreds, QueueLinkData, QueueMode, QueueRec } from '@simplex-relay/queue-store';
import { QueueServiceCounter as C } from './metrics.ts';
import { answer, fail, hex, today } from './context.ts';
import type { CommandCtx, ServiceDeps } from './context.ts';

const ID_LENGTH = 24;
/** Attempts with fresh server IDs on a collision (upstream `tryCreate 3`). */
const CREATE_ATTEMPTS = 3;

/** Executes NEW; the authorization is checked here (the key is in the command). */
export async function createQueue(
  deps: ServiceDeps,
  ctx: CommandCtx,
  req: NewQueueReq,
): Promise<OpResult> {
  if (!deps.auth.verifyWith(ctx.authIn, req.rcvAuthKey)) return fail(ctx, { type: 'AUTH' });
  const pass = deps.opts.newQueueBasicAuth;
  const allowed =
    deps.opts.allowNewQueues &&
    (pass === undefined || (req.basicAuth !== undefined && bytesEqual(req.basicAuth, pass)));
  if (!allowed) return fail(ctx, { type: 'AUTH' });

  const link = req.queueReqData?.link;
  let senderId: Uint8Array;
  let linkData: QueueLinkData | undefined;
  if (link !== undefined) {
    senderId = link.senderId;
    // Why: a client-chosen sender ID must be derived from this transmission's corrId, so NEW cannot
    // be used to probe whether a queue with some ID exists (upstream "ID oracle" comment).
    const expected = sha3_384(deps.crypto, ctx.op.corrId).subarray(0, ID_LENGTH);
    if (!bytesEqual(senderId, expected))
      return fail(ctx, { type: 'CMD', cmd: CommandError.PROHIBITED });
    const linkId = 'linkId' in link ? link.linkId : deps.crypto.randomBytes(ID_LENGTH);
    linkData = { linkId, fixedData: link.data.fixedData, userData: link.data.userData };
  } else if (ctx.op.newSenderId !== undefined) {
    senderId = ctx.op.newSenderId;
  } else {
    return fail(ctx, { type: 'INTERNAL' });
  }
  const vshard = deps.router.ofClientId(senderId);
  if (!deps.store.vshards.has(vshard)) return { type: 'redirect', vshard };

  let srv: KeyPair;
  let rcvDhSecret: Uint8Array;
  let ntf: { pair: KeyPair; secret: Uint8Array; notifierKey: Uint8Array } | undefined;
  try {
    srv = generateKeyPair(deps.crypto, 'x25519');
    rcvDhSecret = dhSecret(deps.crypto, req.rcvDhKey, srv.priv);
    if (req.ntfCreds !== undefined) {
      const pair = generateKeyPair(deps.crypto, 'x25519');
      ntf = {
        pair,
        secret: dhSecret(deps.crypto, req.ntfCreds.rcvNtfDhKey, pair.priv),
        notifierKey: encodePubKeyDer(req.ntfCreds.notifierKey),
      };
    }
  } catch {
    // A low-order client DH key: no usable secret, refuse like any other unacceptable NEW.
    return fail(ctx, { type: 'AUTH' });
  }

  const mode = req.queueReqData?.mode;
  const queueMode: QueueMode | null = mode === 'messaging' ? 'M' : mode === 'contact' ? 'C' : null;
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const recipientId = deps.router.newServerId(vshard);
    const notifier: NtfCreds | undefined = ntf && {
      notifierId: deps.router.newServerId(vshard),
      notifierKey: ntf.notifierKey,
      rcvNtfDhSecret: ntf.secret,
    };
    const rec: QueueRec = {
      recipientId,
      recipientKeys: [encodePubKeyDer(req.rcvAuthKey)],
      rcvDhSecret,
      senderId,
      queueMode,
      status: { kind: 'active' },
      updatedAt: today(deps),
      vshard,
      ...(linkData !== undefined && { link: linkData }),
      ...(notifier !== undefined && { notifier }),
    };
    const r = await deps.store.createQueue(rec);
    if (!r.ok) {
      // No retry when the client chose the IDs: the collision is theirs (upstream answers AUTH).
      if (link !== undefined) return fail(ctx, { type: 'AUTH' });
      continue;
    }
    deps.metrics.inc(C.queuesCreated);
    if (notifier !== undefined) deps.metrics.inc(C.queuesNotifyCreated);
    // A new queue has no messages, so subscribing needs no delivery (upstream `subscribeNewQueue`).
    if (req.subMode === 'subscribe') deps.registry.subscribe(hex(recipientId), ctx.conn, ctx.v);
    const ids: QueueIdsKeys = {
      rcvId: recipientId,
      sndId: senderId,
      rcvPublicDhKey: srv.pub,
      ...(mode !== undefined && { queueMode: mode }),
      ...(linkData !== undefined && { linkId: linkData.linkId }),
      ...(notifier !== undefined &&
        ntf !== undefined && {
          serverNtfCreds: { notifierId: notifier.notifierId, srvNtfDhKey: ntf.pair.pub },
        }),
    };
    return answer(ctx, { tag: 'IDS', ids });
  }
  return fail(ctx, { type: 'INTERNAL' });
}
