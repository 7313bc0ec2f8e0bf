import Head from 'next/head';
import Link from 'next/link';
import { loadProjectAdmin, releaseExists, type ProjectAdminData } from '@/lib/admin/data';
import { adminPage, queryParam, type AdminProps } from '@/lib/admin/page';
import { deliveryAdminPath, editorPath, importsAdminPath } from '@/lib/admin/paths';
import { Breadcrumb } from '@/lib/admin/ui/Breadcrumb';
import { DataTable } from '@/lib/admin/ui/DataTable';
import { Flash } from '@/lib/admin/ui/Flash';
import { StatusBadge } from '@/lib/admin/ui/StatusBadge';
import { WebhookSetupPanel } from '@/lib/admin/ui/WebhookSetupPanel';
import { formatDateTime, plural } from '@/lib/admin/ui/format';
import { projectPagePath } from '@/lib/site/paths';

type Props = ProjectAdminData & { deleted: string };

export const getServerSideProps = adminPage<Props>('write', async (ctx, _session, flash) => {
  const offset = /^\d{1,6}$/.test(queryParam(ctx, 'offset')) ? Number(queryParam(ctx, 'offset')) : 0;
  const data = await loadProjectAdmin(ctx.req, String(ctx.params?.owner), String(ctx.params?.repo), offset, flash);
  if (!data) return { notFound: true };
  // `?deleted=` is how the editor's script reports a deletion; believed only if the release is indeed gone.
  const deleted = queryParam(ctx, 'deleted').slice(0, 255);
  return { ...data, deleted: deleted && !(await releaseExists(data.project, deleted)) ? deleted : '' };
});

/** One project: connect GitHub, its releases (all of them, drafts and hidden too), recent activity. */
export default function ProjectAdmin({ project, releases, total, offset, limit, webhook, deliveries, imports, flash, session, deleted }: AdminProps<Props>) {
  const here = `/admin/projects/${project.owner}/${project.repo}${offset ? `?offset=${offset}` : ''}`;
  const notice = flash ?? (deleted ? { kind: 'success' as const, message: `Deleted release ${deleted}.` } : null);
  return (
    <>
      <Head>
        <title>{`${project.fullName} · Shiplog Admin`}</title>
      </Head>
      <Breadcrumb trail={[{ href: '/admin', label: 'Projects' }]} current={project.fullName} />
      <div className="page-head">
        <div>
          <h1>{project.name}</h1>
          <p className="muted mono">{project.fullName}</p>
        </div>
        <div className="actions">
          <Link href={editorPath(project)} className="button">
            New release
          </Link>
          <Link href={importsAdminPath(project.fullName)} className="button secondary">
            Import from GitHub
          </Link>
          <a href={projectPagePath(project.owner, project.repo)} className="button secondary">
            View changelog
          </a>
        </div>
      </div>
      <Flash flash={notice} />
      <WebhookSetupPanel fullName={project.fullName} setup={webhook} />

      <section aria-labelledby="releases-heading">
        <h2 id="releases-heading">Releases ({total})</h2>
        <DataTable
          label="Releases"
          columns={['Tag', 'Name', 'Published', 'State', 'Source']}
          actions
          rows={releases}
          empty="No releases yet: write one, import them from GitHub, or publish one on GitHub once the webhook is set up."
          row={(r) => (
            <tr key={r.tag} data-tag={r.tag}>
              <td>
                <Link href={editorPath(project, r.tag)} className="mono">
                  {r.tag}
                </Link>
              </td>
              <td>{r.name ?? <span className="muted">—</span>}</td>
              <td>{r.draft ? <span className="muted">not published</span> : formatDateTime(r.publishedAt)}</td>
              <td>
                {r.draft ? <span className="pill draft">draft</span> : null} {r.hidden ? <span className="pill hidden">hidden</span> : null}{' '}
                {r.prerelease ? <span className="pill pre">pre-release</span> : null}
                {r.public ? <span className="pill">public</span> : null}
              </td>
              <td>{r.source}</td>
              <td>
                <div className="row-actions">
                  <Link href={editorPath(project, r.tag)} className="button secondary small">
                    Edit<span className="sr-only"> {r.tag}</span>
                  </Link>
                  <form method="post" action="/api/admin/releases" className="inline">
                    <input type="hidden" name="project" value={project.fullName} />
                    <input type="hidden" name="originalTag" value={r.tag} />
                    <input type="hidden" name="etag" value={r.etag} />
                    <input type="hidden" name="return" value={here} />
                    <button type="submit" name="intent" value={r.hidden ? 'unhide' : 'hide'} className="button secondary small">
                      {r.hidden ? 'Unhide' : 'Hide'}
                      <span className="sr-only"> {r.tag}</span>
                    </button>
                  </form>
                </div>
              </td>
            </tr>
          )}
        />
        {total > limit ? (
          <nav className="pager-admin" aria-label="Release pages">
            {offset > 0 ? <Link href={`?offset=${Math.max(0, offset - limit)}`}>← Newer</Link> : <span />}
            <span className="muted">
              {offset + 1}–{Math.min(offset + limit, total)} of {total}
            </span>
            {offset + limit < total ? <Link href={`?offset=${offset + limit}`}>Older →</Link> : <span />}
          </nav>
        ) : null}
      </section>

      <div className="grid-2">
        {session.admin ? (
          <section aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">Recent deliveries</h2>
            {deliveries.length === 0 ? (
              <p className="empty-note">GitHub has not sent anything for this project yet.</p>
            ) : (
              <ul className="plain-list">
                {deliveries.map((d) => (
                  <li key={d.id}>
                    <StatusBadge status={d.status} /> <Link href={deliveryAdminPath(d.id)}>{formatDateTime(d.receivedAt)}</Link>{' '}
                    <span className="muted">
                      {d.event}
                      {d.action ? `.${d.action}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <p>
              <Link href={`/admin/deliveries?project=${encodeURIComponent(project.fullName)}`}>All deliveries for {project.fullName}</Link>
            </p>
          </section>
        ) : null}
        <section aria-labelledby="imports-heading">
          <h2 id="imports-heading">Imports</h2>
          {imports.length === 0 ? (
            <p className="empty-note">Never imported.</p>
          ) : (
            <ul className="plain-list">
              {imports.map((i) => (
                <li key={i.id}>
                  <StatusBadge status={i.state} /> <Link href={importsAdminPath(project.fullName, i.id)}>{formatDateTime(i.createdAt)}</Link>{' '}
                  <span className="muted">
                    {plural(i.created, 'release')} created, {i.updated} updated
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
