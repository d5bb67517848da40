// Counters of the queue service. Names are upstream's Prometheus names
// (`Server/Prometheus.hs`, including its "subscribtion" spelling) where upstream has the counter,
// `simplex_relay_*` otherwise. Counters only: never labels with identifiers (house style §8).

/** Counter names. */
export const QueueServiceCounter = {
  queuesCreated: 'simplex_smp_queues_created',
  queuesSecured: 'simplex_smp_queues_secured',
  queuesDeleted: 'simplex_smp_queues_deleted',
  queuesBlocked: 'simplex_smp_queues_blocked',
  queuesNotifyCreated: 'simplex_smp_queues_notify_created',
  queuesNotifyDeleted: 'simplex_smp_queues_notify_deleted',
  messagesSent: 'simplex_smp_messages_sent',
  messagesSentErrors: 'simplex_smp_messages_sent_errors',
  messagesReceived: 'simplex_smp_messages_received',
  messagesExpired: 'simplex_smp_messages_expired',
  messagesNotifySent: 'simplex_smp_messages_notify_sent',
  messagesNtfSuccesses: 'simplex_smp_messages_ntf_successes',
  subscriptionSuccesses: 'simplex_smp_subscribtion_successes',
  subscriptionErrors: 'simplex_smp_subscribtion_errors',
  subscriptionEnd: 'simplex_smp_subscribtion_end',
  subscriptionNtfRequests: 'simplex_smp_subscription_ntf_requests',
  deliveredTotal: 'simplex_smp_delivered_total',
  /** Dummy verifications run for a missing queue or key (spec §6.4). */
  authDummyVerifications: 'simplex_relay_auth_dummy_verifications',
  /** Pending notifications dropped by the 24 h expiry. */
  notificationsExpired: 'simplex_relay_notifications_expired',
  /** Ops answered `ERR INTERNAL` because of an exception. */
  internalErrors: 'simplex_relay_store_internal_errors',
  /** Bus messages that did not decode (dropped). */
  busBadMessages: 'simplex_relay_store_bus_bad_messages',
  /** Registry entries dropped because their gateway went silent or restarted. */
  gatewaysExpired: 'simplex_relay_store_gateways_expired',
} as const;
export type QueueServiceCounter = (typeof QueueServiceCounter)[keyof typeof QueueServiceCounter];

/** Counter sink; the app maps it onto its metrics registry. */
export interface QueueServiceMetrics {
  inc(counter: QueueServiceCounter, by?: number): void;
}

/** Discards everything. */
export const noopQueueServiceMetrics: QueueServiceMetrics = { inc: () => undefined };
