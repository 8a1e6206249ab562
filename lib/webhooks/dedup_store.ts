/**
 * Where a webhook receiver remembers the events it has handled: see `dedup` in
 * `WebhookHandlerOptions`, and `kvWebhookDedupStore()` for the Deno KV store that ships with the
 * package.
 *
 * @module
 */

/**
 * What {@linkcode WebhookDedupStore.claim} found: the event is this receiver's to handle now, or
 * another receiver is handling it, or it was handled.
 */
export type WebhookClaim =
  | {
    /** Nobody had the event (or the one who had it let its lease run out): it is yours. */
    readonly status: "claimed";
    /** Marks the event handled, so that every later delivery of it is a duplicate. */
    complete(): Promise<void>;
    /** Gives the event up (its handler failed), so that the next delivery handles it again. */
    release(): Promise<void>;
  }
  | {
    /** `running`: another receiver has it now; `done`: it was handled. */
    readonly status: "running" | "done";
  };

/**
 * A store of event ids that several receivers share, so that an event delivered more than once is
 * handled once. A claim is atomic: of two receivers that claim one id at once, one gets it. A
 * claim is a lease: a receiver that dies while handling an event (and never completes or releases
 * it) holds it only until the lease runs out, after which a new delivery can claim it. A completed
 * event is remembered for as long as the store keeps it, then forgotten.
 */
export interface WebhookDedupStore {
  /**
   * Claims the event `eventId` for this receiver, unless another has it or it was handled.
   *
   * @param eventId The event's `id`.
   * @returns What was found; when `claimed`, the way to complete or release it.
   */
  claim(eventId: string): Promise<WebhookClaim>;
}
