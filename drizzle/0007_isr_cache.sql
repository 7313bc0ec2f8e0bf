CREATE TABLE "isr_cache" (
	"build_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text,
	"last_modified" bigint NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "isr_cache_build_id_key_pk" PRIMARY KEY("build_id","key")
);
--> statement-breakpoint
CREATE INDEX "isr_cache_key" ON "isr_cache" USING btree ("key");--> statement-breakpoint
-- Expand/contract repair for 0005 (events.id lost its sequence default): code released before 0005
-- inserts events without an id, which failed (NOT NULL) on every write during a rolling deploy. Such an
-- insert now takes its id from outbox_head, exactly as current code does (gapless, in commit order).
CREATE OR REPLACE FUNCTION "events_id_from_outbox_head"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."id" IS NULL THEN
		UPDATE "outbox_head" SET "last_id" = "last_id" + 1 WHERE "id" = 1 RETURNING "last_id" INTO NEW."id";
	END IF;
	RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "events_id_from_outbox_head" ON "events";
--> statement-breakpoint
CREATE TRIGGER "events_id_from_outbox_head" BEFORE INSERT ON "events" FOR EACH ROW EXECUTE FUNCTION "events_id_from_outbox_head"();
