import Link from 'next/link';
import { useRouter } from 'next/router';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { EditorData, EditorValues } from '../data';
import type { FlashMessage } from '../flash';
import { localFromIso, publishedAtFromForm } from '../form-values';
import { apiProjectPath, apiReleasePath, editorPath, projectAdminPath } from '../paths';
import { callApi, problemFields, problemMessage, type ApiResult } from './api';
import { Breadcrumb } from './Breadcrumb';
import { FieldError, Flash } from './Flash';
import { formatDateTime } from './format';

const FIELD_MAP = { '/notes/markdown': 'body', '/notes': 'body', 'header:If-Match': 'etag' };
const CONFLICT = 'This release was changed by someone else since you opened it. Your changes were not saved.';

interface StoredRelease {
  tag: string;
  draft: boolean;
  hidden: boolean;
  publishedAt: string | null;
  source: string;
  updatedAt: string;
  author: { login: string; avatarUrl: string | null; url: string | null } | null;
}

interface ApiRelease extends StoredRelease {
  name: string | null;
  url: string | null;
  prerelease: boolean;
  notes: { markdown: string; html: string };
}

function valuesOf(r: ApiRelease): EditorValues {
  return {
    tag: r.tag,
    name: r.name ?? '',
    url: r.url ?? '',
    publishedAt: localFromIso(r.publishedAt),
    prerelease: r.prerelease,
    draft: r.draft,
    hidden: r.hidden,
    body: r.notes.markdown,
  };
}

/**
 * The release editor. Without JavaScript it is a plain form posting to /api/admin/releases (303
 * back with a flash). With it, the same form talks to the REST API: POST to create, PUT with
 * `If-Match` to save, PATCH to hide/unhide, DELETE to delete; a 412 shows "changed by someone else"
 * with a way to reload, never a silent overwrite. The preview is rendered by the site's sanitizer.
 */
export function ReleaseEditor({ data, flash: initialFlash }: { data: EditorData; flash: FlashMessage | null }) {
  const router = useRouter();
  const project = data.project;
  const [values, setValues] = useState<EditorValues>(data.values);
  const [originalTag, setOriginalTag] = useState(data.originalTag);
  const [etag, setEtag] = useState(data.etag ?? '');
  const [stored, setStored] = useState<StoredRelease | null>(
    data.release
      ? {
          tag: data.release.tag,
          draft: data.release.draft,
          hidden: data.release.hidden,
          publishedAt: data.release.publishedAt,
          source: data.release.source,
          updatedAt: data.release.updatedAt,
          author: data.release.authorDetail,
        }
      : null,
  );
  const [flash, setFlash] = useState<Pick<FlashMessage, 'kind' | 'message' | 'errors'> | null>(initialFlash);
  const [conflict, setConflict] = useState(initialFlash?.kind === 'conflict');
  const [previewHtml, setPreviewHtml] = useState(data.previewHtml);
  const [busy, setBusy] = useState(false);
  const [enhanced, setEnhanced] = useState(false);
  const flashRef = useRef<HTMLDivElement>(null);
  useEffect(() => setEnhanced(true), []);

  const errors = flash?.kind === 'error' ? flash.errors : undefined;
  const invalid = (f: string) => (errors?.some((e) => e.field === f) ? true : undefined);
  const set = <K extends keyof EditorValues>(key: K, value: EditorValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const editing = !!originalTag && !data.missing;
  const editorUrl = editorPath(project, originalTag || undefined);

  const show = (f: Pick<FlashMessage, 'kind' | 'message' | 'errors'>) => {
    setFlash(f);
    requestAnimationFrame(() => flashRef.current?.scrollIntoView({ block: 'nearest' }));
  };

  const failed = (r: ApiResult<unknown>) => {
    if (r.status === 412) {
      setConflict(true);
      show({ kind: 'conflict', message: CONFLICT });
    } else if (r.status === 404 && editing) {
      show({ kind: 'error', message: `Release "${originalTag}" no longer exists (someone deleted it). Save again to create it anew after reloading.` });
    } else {
      show({ kind: 'error', message: problemMessage(r.problem), errors: problemFields(r.problem, FIELD_MAP) });
    }
  };

  const accept = (body: ApiRelease, r: ApiResult<unknown>, message: string) => {
    setEtag(r.headers.get('etag') ?? '');
    setStored({ tag: body.tag, draft: body.draft, hidden: body.hidden, publishedAt: body.publishedAt, source: body.source, updatedAt: body.updatedAt, author: body.author });
    setValues((v) => ({ ...valuesOf(body), body: v.body === body.notes.markdown ? v.body : body.notes.markdown }));
    setPreviewHtml(body.notes.html);
    setConflict(false);
    if (body.tag !== originalTag) {
      setOriginalTag(body.tag);
      void router.replace(editorPath(project, body.tag), undefined, { shallow: true, scroll: false });
    }
    show({ kind: 'success', message });
  };

  // Live preview (scripts only): the same renderer and sanitizer as the site, through /api/admin/preview.
  const renderPreview = useCallback(
    async (markdown: string) => {
      const r = await callApi<{ html: string }>('/api/admin/preview', { method: 'POST', json: { markdown, repository: project.fullName } });
      if (r.ok && r.body) setPreviewHtml(r.body.html);
    },
    [project.fullName],
  );
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => void renderPreview(values.body), 400);
    return () => clearTimeout(timer);
  }, [values.body, renderPreview]);

  async function onSave(e: FormEvent<HTMLFormElement>) {
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const intent = submitter?.value ?? 'save';
    e.preventDefault();
    if (intent === 'preview') {
      await renderPreview(values.body);
      return;
    }
    if (conflict) {
      show({ kind: 'conflict', message: CONFLICT });
      return;
    }
    setBusy(true);
    try {
      const doc = {
        tag: values.tag.trim(),
        name: values.name.trim() || null,
        url: values.url.trim() || null,
        publishedAt: values.draft ? null : publishedAtFromForm(values.publishedAt),
        prerelease: values.prerelease,
        draft: values.draft,
        hidden: values.hidden,
        notes: { markdown: values.body },
      };
      if (!editing) {
        const r = await callApi<ApiRelease>(`${apiProjectPath(project)}/releases`, { method: 'POST', json: doc });
        if (r.ok && r.body) accept(r.body, r, `Created release ${r.body.tag}${r.body.draft ? ' (draft)' : ''}.`);
        else failed(r);
        return;
      }
      const r = await callApi<ApiRelease>(apiReleasePath(project, originalTag), { method: 'PUT', json: { ...doc, author: stored?.author ?? null }, headers: { 'If-Match': etag } });
      if (r.ok && r.body) accept(r.body, r, `Saved release ${r.body.tag}${r.body.tag !== originalTag ? ` (renamed from ${originalTag})` : ''}.`);
      else failed(r);
    } finally {
      setBusy(false);
    }
  }

  async function onVisibility(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!stored) return;
    setBusy(true);
    try {
      const hide = !stored.hidden;
      const r = await callApi<ApiRelease>(apiReleasePath(project, originalTag), {
        method: 'PATCH',
        json: { hidden: hide },
        contentType: 'application/merge-patch+json',
        headers: { 'If-Match': etag },
      });
      if (!r.ok || !r.body) return failed(r);
      const body = r.body;
      setEtag(r.headers.get('etag') ?? '');
      setStored((s) => (s ? { ...s, hidden: body.hidden, updatedAt: body.updatedAt } : s));
      setValues((v) => ({ ...v, hidden: body.hidden }));
      show({ kind: 'success', message: `Release ${body.tag} ${body.hidden ? 'is hidden from readers' : 'is visible to readers again'}.` });
    } finally {
      setBusy(false);
    }
  }

  async function onDelete(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await callApi(apiReleasePath(project, originalTag), { method: 'DELETE', headers: { 'If-Match': etag } });
      if (r.status === 204) {
        window.location.assign(`${projectAdminPath(project)}?deleted=${encodeURIComponent(originalTag)}`);
        return;
      }
      failed(r);
    } finally {
      setBusy(false);
    }
  }

  const hiddenFields = (
    <>
      <input type="hidden" name="project" value={project.fullName} />
      <input type="hidden" name="originalTag" value={originalTag} />
      <input type="hidden" name="etag" value={etag} />
    </>
  );

  return (
    <>
      <Breadcrumb
        trail={[
          { href: '/admin', label: 'Projects' },
          { href: projectAdminPath(project), label: project.fullName },
        ]}
        current={editing ? originalTag : 'New release'}
      />
      <div className="page-head">
        <div>
          <h1>{editing ? `Edit ${originalTag}` : 'New release'}</h1>
          {stored ? (
            <p className="muted">
              {stored.draft ? 'Draft' : stored.hidden ? 'Hidden from readers' : 'Public'} · from {stored.source === 'github' ? 'GitHub' : 'the console or API'} · last changed{' '}
              {formatDateTime(stored.updatedAt)}
              {data.release?.readerPath && !stored.draft && !stored.hidden ? (
                <>
                  {' · '}
                  <a href={data.release.readerPath}>View on the site</a>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        {editing && stored ? (
          <form method="post" action="/api/admin/releases" onSubmit={enhanced ? onVisibility : undefined} className="actions">
            {hiddenFields}
            <button type="submit" name="intent" value={stored.hidden ? 'unhide' : 'hide'} className="button secondary" disabled={busy} data-action="visibility">
              {stored.hidden ? 'Unhide' : 'Hide'}
            </button>
          </form>
        ) : null}
      </div>

      <div ref={flashRef}>
        {conflict ? (
          <Flash flash={{ kind: 'conflict', message: CONFLICT }}>
            <p>Reload to see the current version, then make your change again.</p>
            <p>
              <a href={editorUrl} className="button" data-action="reload">
                Reload
              </a>
            </p>
            {values.body ? (
              <details>
                <summary>Your unsaved notes</summary>
                <pre>{values.body}</pre>
              </details>
            ) : null}
          </Flash>
        ) : (
          <Flash flash={flash} />
        )}
        {data.missing && !conflict ? <Flash flash={{ kind: 'error', message: `There is no release "${data.originalTag}" in ${project.fullName} (any more).` }} /> : null}
      </div>

      {stored?.source === 'github' ? <p className="hint">This release came from GitHub: editing it there later replaces what you change here.</p> : null}

      <form method="post" action="/api/admin/releases" className="form" onSubmit={enhanced ? onSave : undefined} aria-label="Release" data-editor={enhanced ? 'js' : 'html'}>
        {hiddenFields}
        <div className="grid-2">
          <div className="form-row">
            <label htmlFor="tag">Tag</label>
            <input
              id="tag"
              name="tag"
              required
              value={values.tag}
              onChange={(e) => set('tag', e.target.value)}
              className="mono"
              spellCheck={false}
              aria-invalid={invalid('tag')}
              aria-describedby="tag-error"
            />
            <FieldError id="tag-error" errors={errors} field="tag" />
          </div>
          <div className="form-row">
            <label htmlFor="name">Title</label>
            <input id="name" name="name" value={values.name} onChange={(e) => set('name', e.target.value)} aria-invalid={invalid('name')} aria-describedby="name-error" />
            <FieldError id="name-error" errors={errors} field="name" />
          </div>
        </div>

        <div className="editor">
          <div className="form-row">
            <label htmlFor="body">Notes (Markdown)</label>
            <textarea
              id="body"
              name="body"
              value={values.body}
              onChange={(e) => set('body', e.target.value)}
              aria-invalid={invalid('body')}
              aria-describedby="body-error body-hint"
            />
            <p className="hint" id="body-hint">
              GitHub-flavoured Markdown: tables, task lists, footnotes. Scripts and unsafe HTML are removed, exactly as on the site.
            </p>
            <FieldError id="body-error" errors={errors} field="body" />
          </div>
          <div className="form-row">
            <div className="preview-label" id="preview-label">
              <span>Preview</span>
              <span className="muted">{enhanced ? 'updates as you type' : 'press Preview to refresh'}</span>
            </div>
            <div className="preview notes" aria-labelledby="preview-label" data-preview dangerouslySetInnerHTML={{ __html: previewHtml }} />
          </div>
        </div>

        <div className="grid-2">
          <div className="form-row">
            <label htmlFor="publishedAt">Published at (UTC)</label>
            <input
              id="publishedAt"
              name="publishedAt"
              type="datetime-local"
              step={1}
              value={values.publishedAt}
              onChange={(e) => set('publishedAt', e.target.value)}
              disabled={enhanced && values.draft}
              aria-invalid={invalid('publishedAt')}
              aria-describedby="publishedAt-hint publishedAt-error"
            />
            <p className="hint" id="publishedAt-hint">
              Empty: now (or, when editing, unchanged). Drafts have none.
            </p>
            <FieldError id="publishedAt-error" errors={errors} field="publishedAt" />
          </div>
          <div className="form-row">
            <label htmlFor="url">Link (e.g. the release on GitHub)</label>
            <input
              id="url"
              name="url"
              type="url"
              value={values.url}
              onChange={(e) => set('url', e.target.value)}
              placeholder="https://"
              aria-invalid={invalid('url')}
              aria-describedby="url-error"
            />
            <FieldError id="url-error" errors={errors} field="url" />
          </div>
        </div>

        <fieldset className="checks">
          <legend>Options</legend>
          <label>
            <input type="checkbox" name="draft" checked={values.draft} onChange={(e) => set('draft', e.target.checked)} /> Draft (not published)
          </label>
          <label>
            <input type="checkbox" name="prerelease" checked={values.prerelease} onChange={(e) => set('prerelease', e.target.checked)} /> Pre-release
          </label>
          <label>
            <input type="checkbox" name="hidden" checked={values.hidden} onChange={(e) => set('hidden', e.target.checked)} /> Hidden from readers
          </label>
        </fieldset>
        <FieldError id="etag-error" errors={errors} field="etag" />

        <div className="actions">
          <button type="submit" name="intent" value="save" className="button" disabled={busy} data-action="save">
            {editing ? 'Save' : 'Create release'}
          </button>
          <button type="submit" name="intent" value="preview" className="button secondary" disabled={busy} data-action="preview">
            Preview
          </button>
          <Link href={projectAdminPath(project)}>Cancel</Link>
        </div>
      </form>

      {editing ? (
        <details className="danger-zone">
          <summary>Delete this release…</summary>
          <form method="post" action="/api/admin/releases" onSubmit={enhanced ? onDelete : undefined}>
            {hiddenFields}
            <p>Readers will no longer find {originalTag}; its feed entries and page go away. This cannot be undone.</p>
            <button type="submit" name="intent" value="delete" className="button danger" disabled={busy} data-action="delete">
              Delete {originalTag}
            </button>
          </form>
        </details>
      ) : null}
    </>
  );
}
