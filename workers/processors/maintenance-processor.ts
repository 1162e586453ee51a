import { runMaintenance } from "../../lib/queue/maintenance.ts";
import type { JobProcessor } from "./processor-context.ts";

export const maintenanceProcessor: JobProcessor<"maintenance"> = async (payload, ctx) => {
  const result = await runMaintenance(ctx.queue, ctx.db, payload);
  ctx.log.info({ result }, "maintenance sweep done");
  return result;
};
