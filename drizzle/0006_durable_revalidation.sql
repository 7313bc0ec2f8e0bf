CREATE TABLE "revalidation_cursor" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_id" bigint DEFAULT 0 NOT NULL,
	"lease_token" text,
	"lease_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "revalidation_cursor_single_row" CHECK ("revalidation_cursor"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "lease_token" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
INSERT INTO "revalidation_cursor" ("id", "last_id") SELECT 1, "last_id" FROM "outbox_head" WHERE "id" = 1 ON CONFLICT DO NOTHING;