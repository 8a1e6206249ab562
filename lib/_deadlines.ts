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
// The alarm: a timeout signal armed for the earliest deadline. Deno keeps a process alive for an
// `AbortSignal.timeout` only while it has an abort listener, so the alarm listens only while some
// attempt is in flight: a script whose last call has ended exits at once, and the idle alarm stays
// armed (unreferenced) for the next call, which costs no new timer.
let alarm: AbortSignal | undefined;
let alarmAt = Number.POSITIVE_INFINITY;

/** Calls `expire` once `ms` milliseconds have passed, unless {@linkcode endDeadline} comes first. */
export function startDeadline(ms: number, expire: () => void): Deadline {
  const deadline: Deadline = { at: performance.now() + ms, expired: false, expire };
  const wasIdle = pending.size === 0;
  pending.add(deadline);
  if (alarm === undefined || alarm.aborted || deadline.at < alarmAt) arm(deadline.at);
  else if (wasIdle) alarm.addEventListener("abort", ring);
  return deadline;
}

/** Ends `deadline`: it will not expire. */
export function endDeadline(deadline: Deadline): void {
  if (pending.delete(deadline) && pending.size === 0) alarm?.removeEventListener("abort", ring);
}

/** How many deadlines are running: for tests. */
export function runningDeadlines(): number {
  return pending.size;
}

function arm(at: number): void {
  // A replaced alarm stops listening; it still fires, later, unheard.
  alarm?.removeEventListener("abort", ring);
  alarmAt = at;
  alarm = AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())));
  alarm.addEventListener("abort", ring);
}

function ring(): void {
  alarm?.removeEventListener("abort", ring);
  alarm = undefined;
  alarmAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  const due: Deadline[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const deadline of pending) {
    if (deadline.at <= now) due.push(deadline);
    else next = Math.min(next, deadline.at);
  }
  for (const deadline of due) pending.delete(deadline);
  if (next !== Number.POSITIVE_INFINITY) arm(next);
  for (const deadline of due) {
    deadline.expired = true;
    deadline.expire();
  }
}
