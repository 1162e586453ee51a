import { notAvailableYet } from "./not-available-error.ts";
import type { JobProcessor } from "./processor-context.ts";

// Placeholder until the sync engine lands (lib/integration): the job fails at once, without retries, with a message
// that says why. The payload has already been validated against its schema.
export const syncRunProcessor: JobProcessor<"sync-run"> = async () => notAvailableYet("sync-run");
