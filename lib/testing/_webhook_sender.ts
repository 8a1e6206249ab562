// The emulator's webhook deliveries: each ticket event becomes a copy to deliver (two under a
// `duplicate` fault, a late one under `late`), due at a time on the emulator's clock. Copies due
// are sent one at a time, oldest due first; a failed one is due again after a backoff that doubles,
// until its retries run out. No timer runs, except the quarter-second look of a served emulator.

import { checkNonNegativeInteger, checkNonNegativeNumber, describeValue } from "../_validate.ts";
import type { TicketEvent, WebhookEvent, WebhookTicket } from "../types/webhooks.ts";
import { InjectedRules } from "./_injected_rules.ts";
import type { SeededRandom } from "./_random.ts";
import type {
  EmulatorWebhooks,
  WebhookDelivery,
  WebhookFaultHandle,
  WebhookFaultRule,
} from "./webhooks.ts";

/** Where the deliveries go, checked. */
export interface WebhookTarget {
  url: string;
  token: string;
  fetch: (request: Request) => Promise<Response>;
  maxRetries: number;
  backoffMs: number;
}

/** The payload format's version, as the spec's example gives it. */
const API_VERSION = "2025-11-18";
const DEFAULT_LATE_MS = 10_000;
// How long one attempt may take, in real milliseconds, before it counts as failed.
const ATTEMPT_TIMEOUT_MS = 10_000;
const LOOK_EVERY_MS = 250;

interface Copy {
  event: WebhookEvent;
  attempt: number;
  dueAt: number;
  order: number;
}

interface ActiveFault {
  rule: Readonly<WebhookFaultRule>;
  types: ReadonlySet<string> | undefined;
  remaining: number;
  hits: number;
}

/** The webhooks of one emulator. */
export class WebhookSender implements EmulatorWebhooks {
  readonly #target: WebhookTarget | undefined;
  readonly #now: () => number;
  readonly #random: SeededRandom;
  readonly #limit: number;
  #copies: Copy[] = [];
  #order = 0;
  #deliveries: WebhookDelivery[] = [];
  readonly #faults = new InjectedRules<ActiveFault>();
  #sending: Promise<void> | undefined;

  constructor(
    target: WebhookTarget | undefined,
    now: () => number,
    random: SeededRandom,
    limit: number,
  ) {
    this.#target = target;
    this.#now = now;
    this.#random = random;
    this.#limit = limit;
  }

  get deliveries(): readonly WebhookDelivery[] {
    return [...this.#deliveries];
  }

  get pending(): number {
    return this.#copies.length;
  }

  inject(rule: WebhookFaultRule): WebhookFaultHandle {
    const checked = checkRule(rule);
    const types = checked.eventType === undefined
      ? undefined
      : new Set(typeof checked.eventType === "string" ? [checked.eventType] : checked.eventType);
    return this.#faults.add({ rule: checked, types, remaining: checked.times ?? 1, hits: 0 });
  }

  /** Sends the event of `type` about `ticket` (unless no URL is configured). */
  send(type: TicketEvent["type"], ticket: WebhookTicket): void {
    if (this.#target === undefined) return;
    const now = this.#now();
    const event: TicketEvent = {
      id: this.#random.id(),
      object: "event",
      type,
      created: Math.floor(now / 1000),
      api_version: API_VERSION,
      data: ticket,
    };
    const fault = this.#draw(type);
    const late = fault?.kind === "late" ? fault.delayMs ?? DEFAULT_LATE_MS : 0;
    this.#add(event, 1, now + late);
    if (fault?.kind === "duplicate") this.#add(event, 1, now + (fault.delayMs ?? 0));
    void this.#pump();
  }

  async settle(): Promise<void> {
    while (this.#sending !== undefined || this.#due() !== undefined) await this.#pump();
  }

  /**
   * For a served emulator: looks for deliveries due every quarter of a second, until the
   * returned function is called, which resolves once the delivery on its way has ended.
   */
  keepSending(): () => Promise<void> {
    if (this.#target === undefined) return () => Promise.resolve();
    const timer = setInterval(() => void this.#pump(), LOOK_EVERY_MS);
    return async () => {
      clearInterval(timer);
      await this.#sending;
    };
  }

  #add(event: WebhookEvent, attempt: number, dueAt: number): void {
    this.#copies.push({ event, attempt, dueAt, order: this.#order++ });
  }

  /** The fault that strikes an event of `type`, if any; counts it. */
  #draw(type: string): Readonly<WebhookFaultRule> | undefined {
    const active = this.#faults.items.find((item) =>
      item.remaining > 0 && (item.types === undefined || item.types.has(type))
    );
    if (active === undefined) return undefined;
    active.remaining--;
    active.hits++;
    return active.rule;
  }

  /** The copy to send next: the one due first (of those due now), the oldest of a tie. */
  #due(): Copy | undefined {
    const now = this.#now();
    return this.#copies.filter((copy) => copy.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || a.order - b.order)[0];
  }

  /** Sends what is due, one at a time; resolves once nothing due is left. */
  #pump(): Promise<void> {
    this.#sending ??= (async () => {
      for (let copy = this.#due(); copy !== undefined; copy = this.#due()) {
        this.#copies = this.#copies.filter((item) => item !== copy);
        await this.#deliver(copy);
      }
    })().finally(() => {
      this.#sending = undefined;
      // A copy added as the last send ended would otherwise wait for the next look.
      if (this.#due() !== undefined) void this.#pump();
    });
    return this.#sending;
  }

  async #deliver(copy: Copy): Promise<void> {
    const target = this.#target!;
    const at = this.#now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), ATTEMPT_TIMEOUT_MS);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await target.fetch(
        new Request(target.url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${target.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify(copy.event),
          signal: timeout.signal,
        }),
      );
      status = response.status;
      await response.body?.cancel();
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    } finally {
      clearTimeout(timer);
    }
    const ok = status !== null && status >= 200 && status < 300;
    this.#deliveries.push({
      event: structuredClone(copy.event),
      attempt: copy.attempt,
      at,
      status,
      ...(error === undefined ? {} : { error }),
      ok,
    });
    if (this.#deliveries.length > this.#limit) this.#deliveries.shift();
    if (!ok && copy.attempt <= target.maxRetries) {
      this.#add(copy.event, copy.attempt + 1, at + target.backoffMs * 2 ** (copy.attempt - 1));
    }
  }
}

function checkRule(rule: WebhookFaultRule): Readonly<WebhookFaultRule> {
  const action = "inject webhook fault";
  if (typeof rule !== "object" || rule === null) {
    throw new TypeError(
      `Cannot ${action}: 'rule' must be an object, received ${describeValue(rule)}`,
    );
  }
  if (rule.kind !== "duplicate" && rule.kind !== "late") {
    throw new RangeError(
      `Cannot ${action}: 'kind' must be duplicate or late, received ${describeValue(rule.kind)}`,
    );
  }
  const types = typeof rule.eventType === "string" ? [rule.eventType] : rule.eventType;
  if (
    types !== undefined && (!Array.isArray(types) || !types.every((t) => typeof t === "string"))
  ) {
    throw new TypeError(
      `Cannot ${action}: 'eventType' must be an event type or a list of them, received ${
        describeValue(rule.eventType)
      }`,
    );
  }
  if (rule.times !== undefined) checkNonNegativeInteger(action, "times", rule.times);
  if (rule.delayMs !== undefined) checkNonNegativeNumber(action, "delayMs", rule.delayMs);
  return Object.freeze({ ...rule, ...(types === undefined ? {} : { eventType: [...types] }) });
}
