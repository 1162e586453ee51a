import { DataverseFault } from "./odata-errors.ts";

// Service protection limits per application user (reference §8): sliding request window, concurrency cap,
// an optional random throttle rate for client tests, and a penalty period that answers 429 until Retry-After has passed.

export type ThrottleSettings = { requestsPerWindow: number; windowSeconds: number; maxConcurrent: number; throttleRate?: number };

export const defaultThrottle: ThrottleSettings = { requestsPerWindow: 6000, windowSeconds: 300, maxConcurrent: 52, throttleRate: 0 };

type UserState = { times: number[]; head: number; inFlight: number; penaltyUntil: number; penaltyCode: string };

export type Admission = { fault: DataverseFault; retryAfter: number; duringPenalty: boolean } | null;

const messages: Record<string, (settings: ThrottleSettings) => string> = {
  "0x80072322": (settings) => `Number of requests exceeded the limit of ${settings.requestsPerWindow} over time window of ${settings.windowSeconds} seconds.`,
  "0x80072321": (settings) =>
    `Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of ${settings.windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
  "0x80072326": (settings) => `Number of concurrent requests exceeded the limit of ${settings.maxConcurrent}.`,
};

export class ServiceProtection {
  private settings: ThrottleSettings | null = null;
  private readonly users = new Map<string, UserState>();

  configure(settings: ThrottleSettings | null): void {
    this.settings = settings;
    this.users.clear();
  }

  get current(): ThrottleSettings | null {
    return this.settings;
  }

  private state(clientId: string): UserState {
    let state = this.users.get(clientId);
    if (!state) {
      state = { times: [], head: 0, inFlight: 0, penaltyUntil: 0, penaltyCode: "0x80072322" };
      this.users.set(clientId, state);
    }
    return state;
  }

  private reject(state: UserState, code: string, retryAfter: number, duringPenalty: boolean): Admission {
    const settings = this.settings ?? defaultThrottle;
    state.penaltyUntil = Math.max(state.penaltyUntil, Date.now() + retryAfter * 1000);
    state.penaltyCode = code;
    return {
      fault: new DataverseFault(429, code, messages[code](settings), { "Retry-After": String(retryAfter) }),
      retryAfter,
      duringPenalty,
    };
  }

  // Called on arrival. A null answer admits the request; the caller must call release() when it has answered.
  admit(clientId: string, forced?: { code: string; retryAfter: number }): Admission {
    const settings = this.settings;
    const now = Date.now();
    const existing = this.users.get(clientId);
    if (!settings && !forced && (!existing || existing.penaltyUntil <= now)) return null;
    const state = existing ?? this.state(clientId);
    if (forced) return this.reject(state, forced.code, forced.retryAfter, false);
    if (state.penaltyUntil > now) {
      // Repeated violations keep the caller in the penalty box: answer 429 with the time still to wait.
      return this.reject(state, state.penaltyCode, Math.max(1, Math.ceil((state.penaltyUntil - now) / 1000)), true);
    }
    if (!settings) return null;
    if (state.inFlight >= settings.maxConcurrent) return this.reject(state, "0x80072326", 1, false);
    const windowMs = settings.windowSeconds * 1000;
    while (state.head < state.times.length && state.times[state.head] <= now - windowMs) state.head += 1;
    if (state.head > 4096 && state.head > state.times.length / 2) {
      state.times = state.times.slice(state.head);
      state.head = 0;
    }
    if (state.times.length - state.head >= settings.requestsPerWindow) {
      const oldest = state.times[state.head];
      return this.reject(state, "0x80072322", Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)), false);
    }
    if (settings.throttleRate && Math.random() < settings.throttleRate) {
      const code = Math.random() < 0.5 ? "0x80072322" : "0x80072321";
      return this.reject(state, code, Math.random() < 0.5 ? 1 : 2, false);
    }
    state.times.push(now);
    state.inFlight += 1;
    return null;
  }

  release(clientId: string): void {
    const state = this.users.get(clientId);
    if (state && state.inFlight > 0) state.inFlight -= 1;
  }

  remaining(clientId: string): number | null {
    if (!this.settings) return null;
    const state = this.state(clientId);
    return Math.max(0, this.settings.requestsPerWindow - (state.times.length - state.head));
  }
}
