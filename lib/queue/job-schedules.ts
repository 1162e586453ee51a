import { parseJobPayload, type JobKind, type JobPayloadInput } from "./job-payloads.ts";
import { queueForJobKind } from "./queue-config.ts";
import type { QueueConnection } from "./queue-connection.ts";

// Recurring jobs through BullMQ job schedulers (legacy `repeat` is gone in BullMQ 6). Upserting is idempotent:
// every worker may call it at start, and changing a mapping's schedule replaces the old one.

export type Repeat = { everyMs: number } | { cron: string };

export async function upsertJobSchedule<K extends JobKind>(
  connection: QueueConnection,
  kind: K,
  schedulerId: string,
  repeat: Repeat,
  payload: JobPayloadInput<K>,
): Promise<void> {
  const data = parseJobPayload(kind, payload);
  const queue = connection.queue(queueForJobKind(kind));
  const repeatOptions = "everyMs" in repeat ? { every: repeat.everyMs } : { pattern: repeat.cron };
  await queue.upsertJobScheduler(schedulerId, repeatOptions, { name: kind, data });
}

export async function removeJobSchedule(connection: QueueConnection, kind: JobKind, schedulerId: string) {
  return connection.queue(queueForJobKind(kind)).removeJobScheduler(schedulerId);
}

export function mappingScheduleId(mappingId: string): string {
  return `sync-run:mapping:${mappingId}`;
}

/** The mapping's scheduled run: a whole-mapping sync every `everySeconds` (trigger SCHEDULE). */
export function upsertMappingSchedule(connection: QueueConnection, mappingId: string, everySeconds: number) {
  if (!Number.isInteger(everySeconds) || everySeconds < 5) {
    throw new RangeError(`A mapping schedule must be a whole number of seconds, at least 5 (got ${everySeconds}).`);
  }
  return upsertJobSchedule(connection, "sync-run", mappingScheduleId(mappingId), { everyMs: everySeconds * 1_000 }, {
    mappingId,
    trigger: "SCHEDULE",
  });
}

export function removeMappingSchedule(connection: QueueConnection, mappingId: string) {
  return removeJobSchedule(connection, "sync-run", mappingScheduleId(mappingId));
}
