-- Renderer 3 (lib/markdown/worker.mjs: headings from h2 without skipped levels, labelled task-list
-- checkboxes, focusable code blocks): rows written with their own HTML count as current; older rows are
-- rendered again by lib/markdown/refresh.ts.
ALTER TABLE "releases" ALTER COLUMN "body_html_renderer" SET DEFAULT 3;
