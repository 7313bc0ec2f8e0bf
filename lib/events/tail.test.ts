import { and, eq, gt, isNull } from 'drizzle-orm';
import { emit } from '../db/outbox';
import { events } from '../db/schema';
import { write } from '../db/write';
import { createProject } from '../projects/repo';
import { bulkUpdate, createRelease, deleteRelease, findRelease, updateRelease, type ProjectRef } from '../releases/repo';
import type { ReleaseWrite } from '../releases/schema';
import { useTestDatabase } from '../test/db';
import { eventsAfter, type StreamEvent } from './tail';

const t = useTestDatabase();
jest.setTimeout(120_000); // property runs and database writes on a loaded machine

const release = (tag: string, o: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: `notes of ${tag}`,
  url: null,
  publishedAt: null,
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...o,
});

async function project(repo: string): Promise<ProjectRef> {
  return write((tx) => createProject(tx, { owner: 'stream', repo, name: repo, description: null, homepage: null }));
}

async function edit(p: ProjectRef, tag: string, change: Partial<ReleaseWrite>): Promise<void> {
  await write(async (tx) => {
    const current = (await findRelease(tx, p.id, tag, { seeAll: true, forUpdate: true }))!;
    const w = release(current.tag, { name: current.name, body: current.body, draft: current.draft, hidden: current.hidden, publishedAt: current.publishedAt, ...change });
    await updateRelease(tx, p, current, w);
  });
}

async function remove(p: ProjectRef, tag: string): Promise<void> {
  await write(async (tx) => deleteRelease(tx, p, (await findRelease(tx, p.id, tag, { seeAll: true, forUpdate: true }))!));
}

const head = async () => Number((await t.db().select({ id: events.id }).from(events)).reduce((max, r) => Math.max(max, r.id), 0));
const brief = (e: StreamEvent) => `${e.type} ${e.tag}${e.previousTag ? ` (was ${e.previousTag})` : ''}${e.release ? ` "${e.release.name ?? ''}"` : ''}`;

describe('what the anonymous live stream says', () => {
  it('says nothing about drafts and hidden releases that were never public, whatever happens to them', async () => {
    const p = await project('secrets');
    const from = await head();
    await write((tx) => createRelease(tx, p, release('v9.9.9-draft', { draft: true }), 'manual'));
    await edit(p, 'v9.9.9-draft', { name: 'Still a draft' });
    await write((tx) => createRelease(tx, p, release('v8-hidden', { hidden: true }), 'manual'));
    await edit(p, 'v8-hidden', { name: 'Still hidden' });
    await edit(p, 'v8-hidden', { tag: 'v8-hidden-renamed' });
    await remove(p, 'v9.9.9-draft');
    await remove(p, 'v8-hidden-renamed');
    const { events: said, lastId } = await eventsAfter(from);
    expect(said).toEqual([]);
    expect(lastId).toBeGreaterThan(from); // the outbox did record those changes
  });

  it('tells readers when a release appears, changes, is renamed and goes away (hidden, made a draft, deleted)', async () => {
    const p = await project('public');
    const from = await head();
    await write((tx) => createRelease(tx, p, release('v1', { name: 'One' }), 'manual'));
    await edit(p, 'v1', { name: 'Uno' });
    await edit(p, 'v1', { tag: 'v1.0' });
    await write((tx) => bulkUpdate(tx, p, { filters: {}, seeAll: true, change: { hidden: true } }));
    await edit(p, 'v1.0', { name: 'Edited while hidden' });
    await write((tx) => bulkUpdate(tx, p, { filters: {}, seeAll: true, change: { hidden: false } }));
    await edit(p, 'v1.0', { draft: true });
    await edit(p, 'v1.0', { draft: false });
    await remove(p, 'v1.0');
    const said = (await eventsAfter(from)).events.map(brief);
    expect(said).toEqual([
      'release.published v1 "One"',
      'release.updated v1 "Uno"',
      'release.updated v1.0 (was v1) "Uno"',
      'release.deleted v1.0',
      'release.published v1.0 "Edited while hidden"',
      'release.deleted v1.0',
      'release.published v1.0 "Edited while hidden"',
      'release.deleted v1.0',
    ]);
  });

  it('replays an event id as what it said the first time, even after the release changed or went away', async () => {
    const p = await project('replay');
    const from = await head();
    await write((tx) => createRelease(tx, p, release('v2', { name: 'Two' }), 'manual'));
    const live = (await eventsAfter(from)).events;
    expect(live.map(brief)).toEqual(['release.published v2 "Two"']);
    await edit(p, 'v2', { name: 'Deux' });
    await remove(p, 'v2');
    const replayed = (await eventsAfter(from)).events;
    expect(replayed[0]).toEqual(live[0]);
    expect(replayed.map(brief)).toEqual(['release.published v2 "Two"', 'release.updated v2 "Deux"', 'release.deleted v2']);
  });

  it('reads rows written before events carried what they said conservatively, and stores what it read', async () => {
    const p = await project('legacy');
    await write((tx) => createRelease(tx, p, release('v3', { name: 'Three' }), 'manual'));
    const from = await head();
    // As an older release wrote them: no public_event. A draft's edit, a public release's edit, the
    // deletion of a draft and of a public release.
    await write(async (tx) => {
      await emit(tx, { type: 'release.updated', projectId: p.id, payload: { project: 'stream/legacy', tag: 'v9-draft', public: false } });
      await emit(tx, { type: 'release.updated', projectId: p.id, payload: { project: 'stream/legacy', tag: 'v3', public: true } });
      await emit(tx, { type: 'release.deleted', projectId: p.id, payload: { project: 'stream/legacy', tag: 'v9-draft', public: false } });
      await emit(tx, { type: 'release.deleted', projectId: p.id, payload: { project: 'stream/legacy', tag: 'v0', public: true } });
      await emit(tx, { type: 'release.deleted', projectId: p.id, payload: { project: 'stream/legacy', tag: 'v-unknown' } });
    });
    const first = (await eventsAfter(from)).events;
    expect(first.map(brief)).toEqual(['release.updated v3 "Three"', 'release.deleted v0']);
    expect(
      await t
        .db()
        .select({ id: events.id })
        .from(events)
        .where(and(gt(events.id, from), isNull(events.publicEvent))),
    ).toHaveLength(0);
    await remove(p, 'v3');
    const again = (await eventsAfter(from)).events;
    expect(again.slice(0, 2)).toEqual(first);
    const [stored] = await t
      .db()
      .select({ publicEvent: events.publicEvent })
      .from(events)
      .where(eq(events.id, from + 1));
    expect(stored?.publicEvent).toEqual({ event: null });
  });
});
