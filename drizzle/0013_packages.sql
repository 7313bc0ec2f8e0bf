-- Packages and versions (lib/packages): each release's package, version (with a key that sorts in semver order),
-- level and breaking flag, derived from its tag, title and notes; a project's own tag patterns. Additive only:
-- rows stored before (and rows an older release writes during a rolling deploy) say derived = 0 and are derived
-- by the next write to their project, by reads that filter on these columns, and ahead of time by
-- lib/releases/derive.ts (server start, cron drain).
ALTER TABLE "projects" ADD COLUMN "tag_patterns" jsonb;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "package" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "package_version" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "version_key" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "level" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "breaking" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "derived" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "releases_project_package_version" ON "releases" USING btree ("project_id","package","version_key" collate "C","id");--> statement-breakpoint
CREATE INDEX "releases_derived" ON "releases" USING btree ("derived","project_id");