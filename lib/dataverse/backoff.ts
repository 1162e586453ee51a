export type BackoffOptions = { baseMs: number; maxMs: number };

// Exponential backoff with "equal jitter": half of the exponential step is kept so retries never bunch up at zero,
// the other half is random so concurrent callers spread out. attempt is 1 for the first retry.
export function computeBackoffMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

// Microsoft's guidance for a 429 without Retry-After: wait 2^n seconds (reference §8).
export function throttleFallbackMs(attempt: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, attempt - 1));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
