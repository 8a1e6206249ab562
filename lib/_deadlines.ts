// The time limit of every attempt in flight, on one timer. Deno's setTimeout builds a Node-style
// Timeout object, and one per attempt (set, then cleared) cost a loopback GET 8% over raw fetch.
// `AbortSignal.timeout` is cheap, does not keep a process alive, and test sanitizers do not count
// it as a leak, but it cannot be cancelled: one per attempt would hold its memory for the whole
// timeout. So each attempt registers its deadline here and leaves the set when it ends, and one
// `AbortSignal.timeout`, armed for the earliest deadline, expires whatever is due when it fires.

/** One attempt's time limit; see {@linkcode startDeadline}. */
export interface Deadline {
  /** When it expires, on `performance.now()`. */
  readonly at: number;
  /** Whether it expired (and `expire` was called) before it was ended. */
  expired: boolean;
  readonly expire: () => void;
}

const pending = new Set<Deadline>();
let alarm: AbortSignal | undefined;
let alarmAt = Number.POSITIVE_INFINITY;

/** Calls `expire` once `ms` milliseconds have passed, unless {@linkcode endDeadline} comes first. */
export function startDeadline(ms: number, expire: () => void): Deadline {
  const deadline: Deadline = { at: performance.now() + ms, expired: false, expire };
  pending.add(deadline);
  if (deadline.at < alarmAt) arm(deadline.at);
  return deadline;
}

/** Ends `deadline`: it will not expire. */
export function endDeadline(deadline: Deadline): void {
  pending.delete(deadline);
}

/** How many deadlines are running: for tests. */
export function runningDeadlines(): number {
  return pending.size;
}

function arm(at: number): void {
  alarmAt = at;
  // An alarm replaced by an earlier one still fires, later, and is then ignored.
  const signal = AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())));
  alarm = signal;
  signal.addEventListener("abort", () => {
    if (alarm === signal) ring();
  }, { once: true });
}

function ring(): void {
  alarm = undefined;
  alarmAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  const due: Deadline[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const deadline of pending) {
    if (deadline.at <= now) due.push(deadline);
    else next = Math.min(next, deadline.at);
  }
  if (next !== Number.POSITIVE_INFINITY) arm(next);
  for (const deadline of due) {
    pending.delete(deadline);
    deadline.expired = true;
    deadline.expire();
  }
}
