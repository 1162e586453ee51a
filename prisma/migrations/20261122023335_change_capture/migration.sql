-- Change capture on the ERP tables (hand-written; read by lib/erp/change-capture.ts).
--
-- Every insert and update stamps the row with the id of the writing transaction ("changeXid", the 64-bit xid8 as
-- bigint). A reader takes pg_snapshot_xmin(pg_current_snapshot()) as its watermark: every transaction with a lower
-- id has finished, so rows below the watermark can no longer appear or change under it, even when transactions
-- commit out of order. Deletions leave a tombstone in "ErpDeletion" stamped the same way.
--
-- rowVersion is bumped on every UPDATE, also when no column really changed. Skipping such no-op updates would need a
-- whole-row comparison on every write, and they are harmless: the sync engine compares the values against the
-- coupling's snapshot and reports the record as unchanged. It also keeps the rule simple for optimistic concurrency
-- (lib/erp services): any write makes a stale edit fail.
--
-- Prisma's schema describer ignores functions and triggers, so these do not show up as drift against schema.prisma.

CREATE FUNCTION "erp_stamp_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW."changeXid" := pg_current_xact_id()::text::bigint;
  IF TG_OP = 'UPDATE' THEN
    NEW."rowVersion" := OLD."rowVersion" + 1;
  END IF;
  RETURN NEW;
END;
$$;

-- TG_ARGV[0]: the "ErpTable" value; TG_ARGV[1]: the column holding the record's human key (no / code).
CREATE FUNCTION "erp_record_deletion"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ErpDeletion" ("table", "recordId", "recordNo", "changeXid")
  VALUES (TG_ARGV[0]::"ErpTable", OLD."id", to_jsonb(OLD) ->> TG_ARGV[1], pg_current_xact_id()::text::bigint);
  RETURN OLD;
END;
$$;

CREATE TRIGGER "Customer_stamp_change" BEFORE INSERT OR UPDATE ON "Customer"
  FOR EACH ROW EXECUTE FUNCTION "erp_stamp_change"();
CREATE TRIGGER "Customer_record_deletion" AFTER DELETE ON "Customer"
  FOR EACH ROW EXECUTE FUNCTION "erp_record_deletion"('CUSTOMER', 'no');

CREATE TRIGGER "Contact_stamp_change" BEFORE INSERT OR UPDATE ON "Contact"
  FOR EACH ROW EXECUTE FUNCTION "erp_stamp_change"();
CREATE TRIGGER "Contact_record_deletion" AFTER DELETE ON "Contact"
  FOR EACH ROW EXECUTE FUNCTION "erp_record_deletion"('CONTACT', 'no');

CREATE TRIGGER "Salesperson_stamp_change" BEFORE INSERT OR UPDATE ON "Salesperson"
  FOR EACH ROW EXECUTE FUNCTION "erp_stamp_change"();
CREATE TRIGGER "Salesperson_record_deletion" AFTER DELETE ON "Salesperson"
  FOR EACH ROW EXECUTE FUNCTION "erp_record_deletion"('SALESPERSON', 'code');

CREATE TRIGGER "Currency_stamp_change" BEFORE INSERT OR UPDATE ON "Currency"
  FOR EACH ROW EXECUTE FUNCTION "erp_stamp_change"();
CREATE TRIGGER "Currency_record_deletion" AFTER DELETE ON "Currency"
  FOR EACH ROW EXECUTE FUNCTION "erp_record_deletion"('CURRENCY', 'code');
