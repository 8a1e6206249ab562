/**
 * A virtual clock to share between the emulator and the client, so that tests of waits, backoff
 * and pacing run in milliseconds: two minutes of boot, a 12-second launch slot, a minute of
 * backoff, none of it slept for real.
 *
 * @example Launch, wait out two minutes of boot, terminate: in milliseconds
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 * import { FakeClock, LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const clock = new FakeClock();
 * const emulator = new LambdaEmulator({ clock });
 * const client = new LambdaCloudClient({ apiKey: emulator.apiKey, fetch: emulator.fetch, clock });
 * await client.sshKeys.create({ name: "laptop" });
 * const instance = await client.instances.launchAndWait({
 *   region_name: "us-east-1",
 *   instance_type_name: "gpu_1x_a10",
 *   ssh_key_names: ["laptop"],
 * });
 * await client.instances.terminate(instance.id);
 * console.log(instance.status, clock.now() - clock.start >= 120_000); // active true
 * ```
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import { checkNonNegativeNumber } from "../_validate.ts";

interface Sleeper {
  at: number;
  order: number;
  wake(): void;
  /** A time limit of `timeLimit()`, rather than a sleep. */
  timer?: true;
}

/**
 * A clock whose time moves only when told, or when everything is waiting on it. A `sleep()` never
 * waits for real: as soon as no other work is left to run (a real zero-delay timer has fired after
 * every pending promise job), the earliest sleep ends and time jumps to its end. Pass the same
 * clock to the emulator (`new LambdaEmulator({ clock })`) and the client
 * (`new LambdaCloudClient({ clock })`), and both see the same time.
 *
 * Made for in-process tests through `emulator.fetch`. Over a socket, time may jump while a request
 * is still in flight, since a socket's progress is not a promise job.
 *
 * @example Backoff costs no real time
 * ```ts
 * import { FakeClock } from "@lambda-cloud/client/testing";
 *
 * const clock = new FakeClock();
 * const started = performance.now();
 * await clock.sleep(60_000);
 * console.log(clock.now() - clock.start, performance.now() - started < 1000); // 60000 true
 * ```
 */
export class FakeClock implements Clock {
  /** Where time began, in milliseconds since the epoch. */
  readonly start: number;
  #time: number;
  readonly #sleeps: number[] = [];
  readonly #sleepers: Sleeper[] = [];
  #order = 0;
  #tick: ReturnType<typeof setTimeout> | undefined;

  /**
   * Creates a clock that starts at `start`.
   *
   * @param start Where time begins, in milliseconds since the epoch.
   * @default Date.parse("2026-01-01T00:00:00Z")
   * @throws {TypeError | RangeError} When `start` is not a finite number of zero or more.
   *
   * @example Start on a chosen day
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * const clock = new FakeClock(Date.parse("2026-03-01T09:00:00Z"));
   * console.log(new Date(clock.now()).toISOString()); // 2026-03-01T09:00:00.000Z
   * ```
   */
  constructor(start: number = Date.parse("2026-01-01T00:00:00Z")) {
    this.start = checkNonNegativeNumber("create fake clock", "start", start);
    this.#time = this.start;
    // Bound, so that `{ now: clock.now }` and wrappers of `clock.sleep` work.
    this.now = this.now.bind(this);
    this.sleep = this.sleep.bind(this);
    this.timeLimit = this.timeLimit.bind(this);
  }

  /**
   * The current virtual time.
   *
   * @returns Milliseconds since the epoch.
   *
   * @example Read it
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * console.log(new FakeClock(0).now()); // 0
   * ```
   */
  now(): number {
    return this.#time;
  }

  /**
   * Resolves once virtual time reaches `ms` from now: at once in real time, as soon as nothing
   * else is left to run. Rejects with `signal.reason` if `signal` aborts first.
   *
   * @param ms How long to wait, in virtual milliseconds.
   * @param signal Ends the wait early.
   * @returns A promise that resolves when the time has come.
   *
   * @example A minute in an instant
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * const clock = new FakeClock(0);
   * await clock.sleep(60_000);
   * console.log(clock.now()); // 60000
   * ```
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#sleepers.splice(this.#sleepers.indexOf(sleeper), 1);
        if (this.#sleepers.length === 0) this.#cancelTick();
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        at: this.#time + Math.max(0, ms),
        order: this.#order++,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#scheduleTick();
    });
  }

  /**
   * A signal that aborts once virtual time reaches `ms` from now, unless `cancel()` is called
   * first: the time limits of the client (an attempt's timeout, a lookup's window) run on it. Like
   * a sleep, a time limit lets time jump to it once nothing else can run, so a request that never
   * answers still times out; unlike one, it is not counted in `sleeps`.
   *
   * @param ms How long until it aborts, in virtual milliseconds.
   * @returns The signal, and a function that cancels it.
   *
   * @example A time limit that is cancelled leaves nothing behind
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * const clock = new FakeClock();
   * const limit = clock.timeLimit(60_000);
   * limit.cancel();
   * console.log(clock.pendingTimers, clock.sleeps, limit.signal.aborted); // 0 [] false
   * ```
   */
  timeLimit(ms: number): { signal: AbortSignal; cancel(): void } {
    const controller = new AbortController();
    const sleeper: Sleeper = {
      at: this.#time + Math.max(0, ms),
      order: this.#order++,
      wake: () => controller.abort(new DOMException("The time limit passed", "TimeoutError")),
      timer: true,
    };
    this.#sleepers.push(sleeper);
    this.#scheduleTick();
    const cancel = () => {
      const index = this.#sleepers.indexOf(sleeper);
      if (index < 0) return;
      this.#sleepers.splice(index, 1);
      if (this.#sleepers.length === 0) this.#cancelTick();
    };
    return { signal: controller.signal, cancel };
  }

  /**
   * Moves time forward by `ms`, and ends the sleeps whose time has come.
   *
   * @param ms How far to move, in milliseconds.
   * @throws {RangeError} When `ms` is negative or not finite.
   *
   * @example Let ten minutes pass between two calls
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * const clock = new FakeClock(0);
   * clock.advance(10 * 60_000);
   * console.log(clock.now()); // 600000
   * ```
   */
  advance(ms: number): void {
    this.#time += checkNonNegativeNumber("advance fake clock", "ms", ms);
    this.#sortSleepers();
    while (this.#sleepers.length > 0 && this.#sleepers[0]!.at <= this.#time) {
      this.#sleepers.shift()!.wake();
    }
    if (this.#sleepers.length === 0) this.#cancelTick();
  }

  /**
   * Every wait asked of the clock so far, in milliseconds, in the order asked: to check backoff
   * and pacing.
   *
   * @example The waits of a retried call
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * const clock = new FakeClock();
   * await clock.sleep(500);
   * console.log(clock.sleeps); // [ 500 ]
   * ```
   */
  get sleeps(): readonly number[] {
    return this.#sleeps;
  }

  /**
   * How many sleeps are still waiting.
   *
   * @example Nothing waits on a new clock
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * console.log(new FakeClock().pendingSleeps); // 0
   * ```
   */
  get pendingSleeps(): number {
    return this.#sleepers.filter((sleeper) => !sleeper.timer).length;
  }

  /**
   * How many time limits (see {@linkcode FakeClock.timeLimit}) are still to pass.
   *
   * @example Nothing is timed on a new clock
   * ```ts
   * import { FakeClock } from "@lambda-cloud/client/testing";
   *
   * console.log(new FakeClock().pendingTimers); // 0
   * ```
   */
  get pendingTimers(): number {
    return this.#sleepers.filter((sleeper) => sleeper.timer).length;
  }

  #sortSleepers(): void {
    this.#sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
  }

  // A real zero-delay timer runs after every pending promise job, so time only jumps once all
  // the code that could still run "now" has run.
  #scheduleTick(): void {
    this.#tick ??= setTimeout(() => {
      this.#tick = undefined;
      this.#sortSleepers();
      const next = this.#sleepers.shift();
      if (!next) return;
      this.#time = Math.max(this.#time, next.at);
      next.wake();
      if (this.#sleepers.length > 0) this.#scheduleTick();
    }, 0);
  }

  #cancelTick(): void {
    if (this.#tick !== undefined) clearTimeout(this.#tick);
    this.#tick = undefined;
  }
}
