import { eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { events, releases } from '../db/schema';
import { write } from '../db/write';
import { InvalidError, NotFoundError, StaleError, TooLargeError } from '../domain/errors';
import { MARKDOWN_MAX_CHARS } from '../markdown';
import { createProject } from '../projects/repo';
import { useTestDatabase } from '../test/db';
import type { ReleaseWrite } from './schema';
import * as service from './service';

const t = useTestDatabase();

const principal: Principal = { kind: 'token', tokenId: 1, name: 'tester', scopes: ['read', 'write'] };
const person = { actor: { kind: 'person' as const, principal } };
const target = (tag: string) => ({ owner: 'acme', repo: 'svc', tag });

const release = (tag: string, over: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: '',
  url: null,
  publishedAt: new Date('2026-04-01T00:00:00Z'),
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...over,
});

const row = async (tag: string) => (await t.db().select().from(releases).where(eq(releases.tag, tag)))[0];
const eventTypes = async (releaseId: number) =>
  (await t.db().select({ type: events.type, payload: events.payload }).from(events))
    .filter((e) => (e.payload as { releaseId?: number }).releaseId === releaseId)
    .map((e) => e.type);

beforeAll(async () => {
  await write((tx) => createProject(tx, { owner: 'acme', repo: 'svc', name: 'Service', description: null, homepage: null }));
});

describe('the release service', () => {
  it("creates a person's release as manual, with its notes rendered and a published event", async () => {
    const created = await write((tx) => service.createRelease(tx, { owner: 'acme', repo: 'svc' }, release('v1', { body: '**bold**' }), person));
    expect(created).toMatchObject({ tag: 'v1', source: 'manual', githubId: null, owner: 'acme', repo: 'svc' });
    expect((await row('v1'))?.bodyHtml).toContain('<strong>bold</strong>');
    expect(await eventTypes(created.id)).toEqual(['release.published']);
  });

  it('refuses a draft with a publication time, naming /publishedAt, and writes nothing', async () => {
    const thrown = await write((tx) => service.createRelease(tx, { owner: 'acme', repo: 'svc' }, release('v-draft', { draft: true }), person)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(InvalidError);
    expect((thrown as InvalidError).issues).toEqual([{ path: '/publishedAt', reason: 'must be null for a draft' }]);
    expect(await row('v-draft')).toBeUndefined();
  });

  it("refuses a person's notes the renderer cannot take (at the caller's path), where GitHub's are stored unformatted", async () => {
    const huge = 'x'.repeat(MARKDOWN_MAX_CHARS + 1);
    const thrown = await write((tx) => service.createRelease(tx, { owner: 'acme', repo: 'svc' }, release('v-huge', { body: huge }), { ...person, notesPath: '/body' })).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(TooLargeError);
    expect((thrown as TooLargeError).issues?.[0]?.path).toBe('/body');
    expect(await row('v-huge')).toBeUndefined();
    const project = { id: (await row('v1'))!.projectId, owner: 'acme', repo: 'svc', name: 'Service' };
    expect(await write((tx) => service.syncGitHubRelease(tx, project, release('v-huge', { body: huge }), { kind: 'github', releaseId: 77 }))).toBe('created');
    expect(await row('v-huge')).toMatchObject({ source: 'github', githubId: 77 });
  });

  it('writes only over the version the caller expected; a stale one changes nothing', async () => {
    const current = (await row('v1'))!;
    const stale = { held: [{ id: current.id, version: current.version + 1 }], stale: 'changed since you read it' };
    const thrown = await write((tx) => service.replaceRelease(tx, target('v1'), release('v1', { name: 'lost' }), { ...person, expected: stale })).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(StaleError);
    expect([(thrown as StaleError).message, (thrown as StaleError).expected]).toEqual(['changed since you read it', true]);
    expect((await row('v1'))?.name).toBeNull();
    const fresh = { held: [{ id: current.id, version: current.version }], stale: 'x' };
    const { before, after } = await write((tx) => service.replaceRelease(tx, target('v1'), release('v1', { name: 'kept', body: '**bold**' }), { ...person, expected: fresh }));
    expect([before.version, after.version, after.name]).toEqual([current.version, current.version + 1, 'kept']);
    // 'any' (If-Match: *) and no expectation at all both write over whatever is current.
    await write((tx) => service.replaceRelease(tx, target('v1'), release('v1', { name: 'any' }), { ...person, expected: { held: 'any', stale: 'x' } }));
    await write((tx) => service.replaceRelease(tx, target('v1'), release('v1', { name: 'none' }), person));
    expect((await row('v1'))?.name).toBe('none');
  });

  it('patching into a draft takes the publication time away; hiding keeps every other field', async () => {
    const { after: drafted } = await write((tx) => service.patchRelease(tx, target('v1'), (current) => ({ ...service.recordAsWrite(current), draft: true }), person));
    expect([drafted.draft, drafted.publishedAt]).toEqual([true, null]);
    const { after: published } = await write((tx) => service.patchRelease(tx, target('v1'), (current) => ({ ...service.recordAsWrite(current), draft: false }), person));
    expect(published.publishedAt).not.toBeNull();
    const { before, after } = await write((tx) => service.setReleaseHidden(tx, target('v1'), true, person));
    expect(service.recordAsWrite(after)).toEqual({ ...service.recordAsWrite(before), hidden: true });
    expect(after.bodyHtml).toBe(before.bodyHtml);
    expect(after.version).toBe(before.version + 1);
  });

  it("says a missing release is missing, in the caller's words when it has them, and deletes with an event", async () => {
    const missing = await write((tx) => service.deleteRelease(tx, target('nope'), person)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('Project acme/svc has no release tagged "nope".');
    const worded = await write((tx) => service.deleteRelease(tx, target('nope'), { ...person, missing: 'gone already' })).catch((e: unknown) => e);
    expect((worded as Error).message).toBe('gone already');
    const gone = await write((tx) => service.deleteRelease(tx, target('v1'), person));
    expect(await row('v1')).toBeUndefined();
    expect((await eventTypes(gone.id)).at(-1)).toBe('release.deleted');
  });
});
