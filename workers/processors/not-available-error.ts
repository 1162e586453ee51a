import { UnrecoverableError } from "bullmq";
import type { JobKind } from "../../lib/queue/job-payloads.ts";

export function notAvailableYet(kind: JobKind): never {
  throw new UnrecoverableError(
    `The "${kind}" job is not available yet: the synchronization engine has not been installed in this release.`,
  );
}
