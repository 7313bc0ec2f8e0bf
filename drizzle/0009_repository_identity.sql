CREATE TABLE "project_aliases" (
	"owner" text NOT NULL,
	"repo" text NOT NULL,
	"project_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "webhook_secret_previous" text;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "github_repository_id" bigint;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "github_evidence_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "payload_digest" text;--> statement-breakpoint
ALTER TABLE "project_aliases" ADD CONSTRAINT "project_aliases_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "project_aliases_owner_repo_ci" ON "project_aliases" USING btree (lower("owner"),lower("repo"));--> statement-breakpoint
CREATE INDEX "project_aliases_project" ON "project_aliases" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_github_repository_id" ON "projects" USING btree ("github_repository_id");--> statement-breakpoint
CREATE UNIQUE INDEX "release_tombstones_project_github" ON "release_tombstones" USING btree ("project_id","github_id");--> statement-breakpoint
ALTER TABLE "release_tombstones" DROP CONSTRAINT IF EXISTS "release_tombstones_pkey";--> statement-breakpoint
CREATE UNIQUE INDEX "releases_project_github_id" ON "releases" USING btree ("project_id","github_id");--> statement-breakpoint
DROP INDEX IF EXISTS "releases_github_id";--> statement-breakpoint
CREATE INDEX "webhook_deliveries_digest" ON "webhook_deliveries" USING btree ("payload_digest");--> statement-breakpoint
-- One-time cleanup of data stored before every input went through one validation: links that are
-- not http(s) (javascript:, data:, …) are never served, and characters XML 1.0 forbids are removed.
UPDATE "releases" SET "html_url" = NULL WHERE "html_url" IS NOT NULL AND "html_url" !~* '^https?://';--> statement-breakpoint
UPDATE "releases" SET "author_url" = NULL WHERE "author_url" IS NOT NULL AND "author_url" !~* '^https?://';--> statement-breakpoint
UPDATE "releases" SET "author_avatar_url" = NULL WHERE "author_avatar_url" IS NOT NULL AND "author_avatar_url" !~* '^https?://';--> statement-breakpoint
UPDATE "projects" SET "homepage" = NULL WHERE "homepage" IS NOT NULL AND "homepage" !~* '^https?://';--> statement-breakpoint
UPDATE "releases" SET
	"name" = regexp_replace("name", '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g'),
	"body" = regexp_replace("body", '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g'),
	"body_html" = regexp_replace("body_html", '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g'),
	"author_login" = regexp_replace("author_login", '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g')
WHERE "name" ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]' OR "body" ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]'
	OR "body_html" ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]' OR "author_login" ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]';--> statement-breakpoint
UPDATE "releases" r SET "tag" = regexp_replace(r."tag", '[\x01-\x1f\x7f]', '-', 'g')
WHERE r."tag" ~ '[\x01-\x1f\x7f]'
	AND NOT EXISTS (SELECT 1 FROM "releases" o WHERE o."project_id" = r."project_id" AND o."tag" = regexp_replace(r."tag", '[\x01-\x1f\x7f]', '-', 'g'));--> statement-breakpoint
UPDATE "projects" SET
	"name" = regexp_replace("name", '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g'),
	"description" = regexp_replace("description", '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g')
WHERE "name" ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]' OR "description" ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]';
