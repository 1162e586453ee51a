import { sleep } from "./backoff.ts";

// One gate per client, shared by every concurrent caller:
// - a concurrency cap (Dataverse fails the 53rd concurrent request of a user immediately);
// - a "not before" instant set by 429 Retry-After, so that after a throttle nobody sends until the server's wait has
//   elapsed (reference §8: repeated violations lengthen the penalty);
// - after a throttle the usable concurrency is halved and then grows back by one per success, so the callers that
//   were waiting do not all hit the server at the same instant the pause ends ("ramp up gradually", reference §8).
export class RequestGate {
  private active = 0;
  private limit: number;
  private readonly waiters: Array<() => void> = [];
  private notBefore = 0;

  constructor(private readonly maxConcurrent: number, private readonly now: () => number = Date.now) {
    this.limit = maxConcurrent;
  }

  get inFlight(): number {
    return this.active;
  }

  get currentLimit(): number {
    return this.limit;
  }

  get pausedUntil(): number {
    return this.notBefore;
  }

  pauseFor(ms: number): void {
    this.notBefore = Math.max(this.notBefore, this.now() + ms);
  }

  onThrottled(): void {
    this.limit = Math.max(1, Math.ceil(this.limit / 2));
  }

  onSuccess(): void {
    if (this.limit >= this.maxConcurrent) return;
    this.limit += 1;
    this.wakeWaiters();
  }

  // Resolves with a release function once a slot is free and no Retry-After is pending.
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.limit || this.waiters.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const index = this.waiters.indexOf(wake);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal?.reason);
        };
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        this.waiters.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    } else {
      this.active += 1;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.wakeWaiters();
    };
    try {
      await this.waitUntilOpen(signal);
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  // Slots are handed to waiters in arrival order; `active` counts them as taken at once so nobody overtakes.
  private wakeWaiters(): void {
    while (this.active < this.limit && this.waiters.length > 0) {
      const next = this.waiters.shift()!;
      this.active += 1;
      next();
    }
  }

  // The pause may be extended by another caller's 429 while we sleep, so re-check after every wake-up.
  async waitUntilOpen(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.notBefore - this.now();
      if (wait <= 0) return;
      await sleep(wait, signal);
    }
  }
}
