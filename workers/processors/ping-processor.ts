import { setTimeout as sleep } from "node:timers/promises";
import type { JobProcessor } from "./processor-context.ts";

export type PingResult = { pong: true; echo?: string; workerId: string; attempt: number; at: string };

export const pingProcessor: JobProcessor<"ping"> = async (payload, ctx) => {
  const attempt = ctx.job.attemptsMade + 1;
  if (payload.failAttempts && attempt <= payload.failAttempts) {
    throw new Error(`Ping attempt ${attempt} failed on purpose (failAttempts: ${payload.failAttempts}).`);
  }
  if (payload.workMs) await sleep(payload.workMs, undefined, { signal: ctx.signal });
  const result: PingResult = { pong: true, echo: payload.echo, workerId: ctx.workerId, attempt, at: new Date().toISOString() };
  return result;
};
