CREATE TABLE "outbox_head" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_id" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "outbox_head_single_row" CHECK ("outbox_head"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "id" DROP DEFAULT;--> statement-breakpoint
DROP SEQUENCE IF EXISTS "events_id_seq";--> statement-breakpoint
INSERT INTO "outbox_head" ("id", "last_id") SELECT 1, coalesce(max("id"), 0) FROM "events";