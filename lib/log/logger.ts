import pino from "pino";
import { getEnv } from "../env.ts";

// Structured JSON logs; each process names itself so web, worker and launcher lines can be told apart.
export function createLogger(name: string) {
  return pino({ name, level: getEnv().LOG_LEVEL, base: { pid: process.pid } });
}

export type Logger = ReturnType<typeof createLogger>;
