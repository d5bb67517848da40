// Which key must authorize which command (spec smp.md §6.4; upstream `Server.hs:
// verifyQueueTransmission`), for a queue that was found by the command party's ID.
import {
  COMMAND_PARTY,
  bytesEqual,
  decodePubKeyDer,
  encodePubKeyDer,
} from '@simplex-relay/protocol';
import type { Command, ErrorType, PublicKey } from '@simplex-relay/protocol';
import type { QueueRec } from '@simplex-relay/queue-store';
import type { AuthInput, Authorizer } from './auth.ts';
import { isContactQueue } from './context.ts';

const AUTH: ErrorType = { type: 'AUTH' };

/** SKEY/LKEY may set `k` only on a messaging queue without another sender key (`allowedKey`). */
function allowedKey(k: PublicKey, qr: QueueRec): boolean {
  if (qr.queueMode !== 'M') return false;
  return qr.senderKey === undefined || bytesEqual(qr.senderKey, encodePubKeyDer(k));
}

/** `undefined` when the command is authorized for `qr`, else the error to answer. */
export function verifyQueueCommand(
  auth: Authorizer,
  a: AuthInput,
  cmd: Command,
  qr: QueueRec,
): ErrorType | undefined {
  if (COMMAND_PARTY[cmd.tag] === 'Recipient') {
    return auth.verifyWithAny(a, qr.recipientKeys.map(decodePubKeyDer)) ? undefined : AUTH;
  }
  switch (cmd.tag) {
    case 'SKEY':
    case 'LKEY':
      if (allowedKey(cmd.senderKey, qr))
        return auth.verifyWith(a, cmd.senderKey) ? undefined : AUTH;
      return auth.dummy(a) || AUTH;
    case 'SEND':
      // Accepted unauthorized until the queue is secured (KEY, SKEY or LKEY); then only with that key.
      if (qr.senderKey === undefined) return a.auth === undefined ? undefined : AUTH;
      return auth.verifyWith(a, decodePubKeyDer(qr.senderKey)) ? undefined : AUTH;
    case 'LGET':
      return isContactQueue(qr) ? undefined : AUTH;
    case 'NSUB':
      if (qr.notifier === undefined) return auth.dummy(a) || AUTH;
      return auth.verifyWith(a, decodePubKeyDer(qr.notifier.notifierKey)) ? undefined : AUTH;
    default:
      return AUTH;
  }
}
