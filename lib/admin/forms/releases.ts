import type { Tx } from '../../db';
import { write } from '../../db/write';
import { etagRefs, preconditionFailed } from '../../http/conditional';
import { ApiError } from '../../http/errors';
import { validateBody } from '../../http/validate';
import { requireProject, type ProjectRecord } from '../../projects/repo';
import { validateDraft } from '../../releases/handlers';
import { renderRequestMarkdown } from '../../http/request-markdown';
import { toReleaseWrite, writableDocument } from '../../releases/present';
import { createRelease, deleteRelease, findRelease, updateRelease, type ReleaseRecord } from '../../releases/repo';
import { ReleaseCreateV2, ReleasePutV2 } from '../../releases/schema';
import { adminPath, checked, field, formHandler, type FormValues } from '../forms';
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

/** The release as it is now, locked; 412 unless the form's ETag names this release at this version. */
async function lockedRelease(tx: Tx, form: FormValues): Promise<{ project: ProjectRecord; current: ReleaseRecord }> {
  const p = projectOf(form);
  const project = await requireProject(tx, p.owner, p.repo, { seeAll: true });
  const tag = field(form, 'originalTag');
  const current = await findRelease(tx, project.id, tag, true, true);
  if (!current) throw ApiError.notFound(`Release "${tag}" of ${project.owner}/${project.repo} no longer exists (someone deleted it).`);
  const held = etagRefs(field(form, 'etag'));
  if (held === 'any' || !held.some((h) => h.kind === 'rel' && h.id === current.id && h.version === current.version)) {
    throw preconditionFailed(CONFLICT_MESSAGE);
  }
  return { project, current };
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
  async handle({ form }) {
    const intent = field(form, 'intent') || 'save';
    const p = projectOf(form);
    const originalTag = field(form, 'originalTag');
    const here = back(form);

    if (intent === 'preview') {
      return { to: here, flash: { kind: 'info', message: 'Preview below. Nothing is saved until you press Save.', form, data: { preview: '1' } } };
    }

    if (intent === 'hide' || intent === 'unhide') {
      const after = await write(async (tx) => {
        const { project, current } = await lockedRelease(tx, form);
        const input = validateBody(ReleasePutV2, { ...writableDocument(current, '2'), hidden: intent === 'hide' });
        return updateRelease(tx, project, current, validateDraft(toReleaseWrite(input)));
      });
      const what = intent === 'hide' ? 'is hidden from readers' : 'is visible to readers again';
      return { to: field(form, 'return') ? here : editorPath(p, after.tag), flash: { kind: 'success', message: `Release ${after.tag} ${what}.` } };
    }

    if (intent === 'delete') {
      const gone = await write(async (tx) => {
        const { project, current } = await lockedRelease(tx, form);
        await deleteRelease(tx, project, current);
        return current;
      });
      return { to: projectAdminPath(p), flash: { kind: 'success', message: `Deleted release ${gone.tag}.` } };
    }

    if (intent !== 'save') throw ApiError.badRequest(`Unknown action "${intent}".`);

    if (!originalTag) {
      const input = validateBody(ReleaseCreateV2, releaseDocument(form));
      const w = validateDraft(toReleaseWrite(input));
      await renderRequestMarkdown(w.body, '/notes/markdown');
      const created = await write(async (tx) => createRelease(tx, await requireProject(tx, p.owner, p.repo, { seeAll: true }), w, 'manual'));
      return { to: editorPath(p, created.tag), flash: { kind: 'success', message: `Created release ${created.tag}${created.draft ? ' (draft)' : ''}.` } };
    }

    await renderRequestMarkdown(field(form, 'body').replace(/\r\n?/g, '\n'), '/notes/markdown');
    const { before, after } = await write(async (tx) => {
      const { project, current } = await lockedRelease(tx, form);
      const author = current.authorLogin ? { login: current.authorLogin, avatarUrl: current.authorAvatarUrl, url: current.authorUrl } : null;
      const input = validateBody(ReleasePutV2, releaseDocument(form, author));
      return { before: current, after: await updateRelease(tx, project, current, validateDraft(toReleaseWrite(input))) };
    });
    const renamed = before.tag !== after.tag ? ` (renamed from ${before.tag})` : '';
    return { to: editorPath(p, after.tag), flash: { kind: 'success', message: `Saved release ${after.tag}${renamed}.` } };
  },
});
