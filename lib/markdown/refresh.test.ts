import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { rows } from '../db';
import { events, projects, releases } from '../db/schema';
import { useTestDatabase } from '../test/db';
import { closeMarkdownPool, MARKDOWN_RENDERER_VERSION } from './index';
import { refreshStaleNotes } from './refresh';

const t = useTestDatabase();
afterAll(() => closeMarkdownPool());

const NOTES = '> [!NOTE]\n> Read this first (#7).\n\nA claim.[^1]\n\n[^1]: Its source.\n';
/** What the first renderer stored for NOTES: the alert as text, footnote ids prefixed twice. */
const OLD_HTML =
  '<blockquote>\n<p>[!NOTE]\nRead this first (#7).</p>\n</blockquote>\n<p>A claim.<sup><a href="#user-content-fn-1" id="user-content-user-content-fnref-1" data-footnote-ref="" aria-describedby="user-content-footnote-label">1</a></sup></p>';

let projectId: number;

beforeAll(async () => {
  const [p] = await t.db().insert(projects).values({ owner: 'acme', repo: 'rocket', name: 'Rocket' }).returning();
  projectId = p!.id;
});

describe('the migration that adds body_html_renderer', () => {
  it('marks the rows a database already has as made by the first renderer, and new rows by the version current then', async () => {
    const db = t.db();
    // The releases table as the previous release left it, with a row in it.
    await db.execute(sql`alter table releases drop column body_html_renderer`);
    await db.execute(sql`insert into releases (project_id, tag, body, body_html, published_at) values (${projectId}, 'v0.9.0', ${NOTES}, ${OLD_HTML}, '2026-01-01T00:00:00Z')`);
    const migration = fs.readFileSync(path.join(process.cwd(), 'drizzle', '0011_notes_renderer.sql'), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint')) await db.execute(sql.raw(statement));
    await db.insert(releases).values({ projectId, tag: 'v0.9.1', body: 'New.', bodyHtml: '<p>New.</p>', publishedAt: new Date('2026-01-02T00:00:00Z') });
    const found = await db.select({ tag: releases.tag, renderer: releases.bodyHtmlRenderer }).from(releases).where(eq(releases.projectId, projectId)).orderBy(asc(releases.tag));
    expect(found).toEqual([
      { tag: 'v0.9.0', renderer: 1 },
      { tag: 'v0.9.1', renderer: 2 },
    ]);
    // The next renderer's migration raises the default: a row written after it is current.
    await db.delete(releases).where(and(eq(releases.projectId, projectId), eq(releases.tag, 'v0.9.1')));
    await db.execute(sql.raw(fs.readFileSync(path.join(process.cwd(), 'drizzle', '0012_notes_renderer_3.sql'), 'utf8')));
    const [written] = await db
      .insert(releases)
      .values({ projectId, tag: 'v0.9.1', body: 'New.', bodyHtml: '<p>New.</p>', publishedAt: new Date('2026-01-02T00:00:00Z') })
      .returning();
    expect(written!.bodyHtmlRenderer).toBe(3);
    expect(MARKDOWN_RENDERER_VERSION).toBe(3);
  });
});

describe('refreshStaleNotes()', () => {
  it('renders stale notes again and stores them, bumping the version and emitting release.updated; current rows stay as they are', async () => {
    const db = t.db();
    const [before] = await db
      .select()
      .from(releases)
      .where(and(eq(releases.projectId, projectId), eq(releases.tag, 'v0.9.0')));
    const [current] = await db
      .select()
      .from(releases)
      .where(and(eq(releases.projectId, projectId), eq(releases.tag, 'v0.9.1')));
    const [{ last } = { last: 0 }] = await rows<{ last: number }>(db, sql`select coalesce(max(id), 0)::int as last from events`);

    // A bounded call: one row at most.
    await db
      .insert(releases)
      .values({ projectId, tag: 'v0.8.0', body: 'Fixes #3 :tada:', bodyHtml: '<p>Fixes #3 :tada:</p>', bodyHtmlRenderer: 1, publishedAt: new Date('2025-12-01T00:00:00Z') });
    expect(await refreshStaleNotes({ maxRows: 1 })).toEqual({ refreshed: 1, more: true });
    expect(await refreshStaleNotes({ maxRows: 10 })).toEqual({ refreshed: 1, more: false });
    expect(await refreshStaleNotes({ maxRows: 10 })).toEqual({ refreshed: 0, more: false });

    const [after] = await db.select().from(releases).where(eq(releases.id, before!.id));
    expect(after!.bodyHtmlRenderer).toBe(MARKDOWN_RENDERER_VERSION);
    expect(after!.version).toBe(before!.version + 1);
    expect(after!.body).toBe(NOTES);
    expect(after!.bodyHtml).toContain('<div class="markdown-alert markdown-alert-note">');
    expect(after!.bodyHtml).toContain('<a href="https://github.com/acme/rocket/issues/7">#7</a>');
    expect(after!.bodyHtml).toContain('href="#user-content-fn-1"');
    expect(after!.bodyHtml).toContain('id="user-content-fn-1"');
    expect(after!.bodyHtml).not.toContain('user-content-user-content');

    const [older] = await db
      .select()
      .from(releases)
      .where(and(eq(releases.projectId, projectId), eq(releases.tag, 'v0.8.0')));
    expect(older!.bodyHtml).toBe('<p>Fixes <a href="https://github.com/acme/rocket/issues/3">#3</a> 🎉</p>');

    const [unchanged] = await db.select().from(releases).where(eq(releases.id, current!.id));
    expect(unchanged).toEqual(current);

    const emitted = await db
      .select()
      .from(events)
      .where(sql`${events.id} > ${last}`)
      .orderBy(asc(events.id));
    expect(emitted.map((e) => [e.type, (e.payload as { tag: string }).tag])).toEqual([
      ['release.updated', 'v0.9.0'],
      ['release.updated', 'v0.8.0'],
    ]);
    // Readers of the live stream get the new notes.
    expect((emitted[0]!.publicEvent as { event: { type: string; release: { html: string } } }).event).toMatchObject({
      type: 'release.updated',
      release: { html: after!.bodyHtml },
    });
  });
});
