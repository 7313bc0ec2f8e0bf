import { write } from '../../db/write';
import type { ExpectedVersion } from '../../domain/expected-version';
import { etagRefs } from '../../http/conditional';
import { ApiError } from '../../http/errors';
import { validateBody } from '../../http/validate';
import { toReleaseWrite } from '../../releases/present';
import * as service from '../../releases/service';
import type { Principal } from '../../auth/principal';
import { ReleaseCreateV2, ReleasePutV2 } from '../../releases/schema';
import { adminPath, checked, field, formHandler, type FormValues } from '../form-endpoint';
import { publishedAtFromForm } from '../form-values';
import { editorPath, projectAdminPath, splitFullName, type ProjectName } from '../paths';

/**
 * The release editor's form endpoint, POST /api/admin/releases. One form, several buttons
 * (`intent`): save (create or replace), preview, hide, unhide, delete. Edits carry the ETag the page
 * was rendered with; a release that changed since is never overwritten (a 412, shown on the page as
 * "changed by someone else").
 */
export const CONFLICT_MESSAGE = 'This release was changed by someone else since you opened it. Your changes were not saved.';

/** The editor's fields as the v2 PUT document. */
export function releaseDocument(form: FormValues, author: unknown = null): Record<string, unknown> {
  return {
    tag: field(form, 'tag').trim(),
    name: field(form, 'name').trim() || null,
    url: field(form, 'url').trim() || null,
    publishedAt: checked(form, 'draft') ? null : publishedAtFromForm(field(form, 'publishedAt')),
    prerelease: checked(form, 'prerelease'),
    draft: checked(form, 'draft'),
    hidden: checked(form, 'hidden'),
    author,
    notes: { markdown: field(form, 'body').replace(/\r\n?/g, '\n') },
  };
}

function projectOf(form: FormValues): ProjectName {
  const p = splitFullName(field(form, 'project'));
  if (!p) throw ApiError.notFound(`There is no project ${field(form, 'project')}.`);
  return p;
}

/**
 * The release the form edits and how: a person in the console, expecting the version the page was
 * rendered with (the form's ETag; an edit without one, or with `*`, never goes through).
 */
function editing(form: FormValues, principal: Principal): { target: service.ReleaseTarget; options: service.WriteOptions } {
  const p = projectOf(form);
  const tag = field(form, 'originalTag');
  const held = etagRefs(field(form, 'etag'));
  const expected: ExpectedVersion = { held: held === 'any' ? [] : held.filter((h) => h.kind === 'rel').map(({ id, version }) => ({ id, version })), stale: CONFLICT_MESSAGE };
  return {
    target: { owner: p.owner, repo: p.repo, tag },
    options: {
      actor: { kind: 'person', principal },
      expected,
      notesPath: '/notes/markdown',
      missing: `Release "${tag}" of ${p.owner}/${p.repo} no longer exists (someone deleted it).`,
    },
  };
}

function back(form: FormValues): string {
  const explicit = field(form, 'return');
  if (explicit) return adminPath(explicit);
  const p = splitFullName(field(form, 'project'));
  if (!p) return '/admin';
  return editorPath(p, field(form, 'originalTag') || undefined);
}

export const releaseForm = formHandler({
  scope: 'write',
  back,
  fields: { '/notes/markdown': 'body', '/notes': 'body', 'header:If-Match': 'etag' },
  async handle({ form, session }) {
    const intent = field(form, 'intent') || 'save';
    const p = projectOf(form);
    const originalTag = field(form, 'originalTag');
    const here = back(form);

    if (intent === 'preview') {
      return { to: here, flash: { kind: 'info', message: 'Preview below. Nothing is saved until you press Save.', form, data: { preview: '1' } } };
    }

    if (intent === 'hide' || intent === 'unhide') {
      const { target, options } = editing(form, session.principal);
      const { after } = await write((tx) => service.setReleaseHidden(tx, target, intent === 'hide', options));
      const what = intent === 'hide' ? 'is hidden from readers' : 'is visible to readers again';
      return { to: field(form, 'return') ? here : editorPath(p, after.tag), flash: { kind: 'success', message: `Release ${after.tag} ${what}.` } };
    }

    if (intent === 'delete') {
      const { target, options } = editing(form, session.principal);
      const gone = await write((tx) => service.deleteRelease(tx, target, options));
      return { to: projectAdminPath(p), flash: { kind: 'success', message: `Deleted release ${gone.tag}.` } };
    }

    if (intent !== 'save') throw ApiError.badRequest(`Unknown action "${intent}".`);

    if (!originalTag) {
      const input = validateBody(ReleaseCreateV2, releaseDocument(form));
      const w = service.checkReleaseWrite(toReleaseWrite(input));
      await service.prepareNotes(w.body, p, '/notes/markdown');
      const created = await write((tx) => service.createRelease(tx, p, w, { actor: { kind: 'person', principal: session.principal }, notesPath: '/notes/markdown' }));
      return { to: editorPath(p, created.tag), flash: { kind: 'success', message: `Created release ${created.tag}${created.draft ? ' (draft)' : ''}.` } };
    }

    await service.prepareNotes(field(form, 'body').replace(/\r\n?/g, '\n'), p, '/notes/markdown');
    const { target, options } = editing(form, session.principal);
    // Everything the form holds replaces the release; its author (which the form does not show) stays.
    const { before, after } = await write((tx) =>
      service.patchRelease(tx, target, (current) => toReleaseWrite(validateBody(ReleasePutV2, releaseDocument(form, service.recordAsWrite(current).author))), options),
    );
    const renamed = before.tag !== after.tag ? ` (renamed from ${before.tag})` : '';
    return { to: editorPath(p, after.tag), flash: { kind: 'success', message: `Saved release ${after.tag}${renamed}.` } };
  },
});
