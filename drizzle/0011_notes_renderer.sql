-- Which renderer made each release's body_html (lib/markdown): the notes already stored were made by
-- the first one (1) and are rendered again by lib/markdown/refresh.ts; rows written from now on say
-- which version wrote them (the default is the version current when this column was added).
ALTER TABLE "releases" ADD COLUMN "body_html_renderer" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ALTER COLUMN "body_html_renderer" SET DEFAULT 2;--> statement-breakpoint
CREATE INDEX "releases_body_html_renderer" ON "releases" USING btree ("body_html_renderer","id");
