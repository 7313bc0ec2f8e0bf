import Head from 'next/head';
import Link from 'next/link';
import { loadDashboard, type DashboardData } from '@/lib/admin/data';
import { adminPage, type AdminProps } from '@/lib/admin/page';
import { projectAdminPath, deliveryAdminPath } from '@/lib/admin/paths';
import { DataTable } from '@/lib/admin/ui/DataTable';
import { FieldError, Flash } from '@/lib/admin/ui/Flash';
import { payloadUrlHint } from '@/lib/admin/ui/WebhookSetupPanel';
import { StatusBadge } from '@/lib/admin/ui/StatusBadge';
import { formatDateTime, plural } from '@/lib/admin/ui/format';
import { field } from '@/lib/admin/form-values';

export const getServerSideProps = adminPage<DashboardData>('write', async (ctx) => loadDashboard(ctx.req));

/** Projects with their counts and last webhook delivery, and a form to add one. */
export default function Dashboard({ projects, failedDeliveries, newSecret, flash, session, ...webhook }: AdminProps<DashboardData>) {
  const form = flash?.kind === 'error' ? flash.form : undefined;
  const value = (name: string, fallback = '') => (form ? field(form, name) : fallback);
  const invalid = (name: string) => (flash?.errors?.some((e) => e.field === name) ? true : undefined);
  return (
    <>
      <Head>
        <title>Projects · Shiplog Admin</title>
      </Head>
      <div className="page-head">
        <h1>Projects</h1>
        {session.admin && failedDeliveries > 0 ? (
          <Link href="/admin/deliveries?status=failed" className="status status-failed">
            {plural(failedDeliveries, 'failed delivery', 'failed deliveries')} in the last day
          </Link>
        ) : null}
      </div>
      <Flash flash={flash} />
      <DataTable
        label="Projects"
        columns={[
          'Project',
          { label: 'Releases', num: true },
          { label: 'Public', num: true },
          { label: 'Drafts', num: true },
          { label: 'Hidden', num: true },
          'Last delivery',
          'Webhook secret',
        ]}
        rows={projects}
        empty="No projects yet. Add the first one below."
        row={(p) => (
          <tr key={p.fullName} data-project={p.fullName}>
            <td>
              <Link href={projectAdminPath(p)}>{p.name}</Link>
              <div className="muted mono">{p.fullName}</div>
            </td>
            <td className="num" data-count="releases">
              {p.releases}
            </td>
            <td className="num">{p.published}</td>
            <td className="num">{p.drafts}</td>
            <td className="num">{p.hidden}</td>
            <td>
              {p.lastDelivery ? (
                <>
                  <StatusBadge status={p.lastDelivery.status} />{' '}
                  {session.admin ? <Link href={deliveryAdminPath(p.lastDelivery.id)}>{formatDateTime(p.lastDelivery.receivedAt)}</Link> : formatDateTime(p.lastDelivery.receivedAt)}
                  <div className="muted">
                    {p.lastDelivery.event}
                    {p.lastDelivery.action ? `.${p.lastDelivery.action}` : ''}
                  </div>
                </>
              ) : (
                <span className="muted">none yet</span>
              )}
            </td>
            <td data-secret={p.hasSecret ? 'own' : webhook.globalSecret ? 'global' : 'none'}>
              {p.hasSecret ? 'own secret' : webhook.globalSecret ? <span className="muted">global secret</span> : <span className="field-error">none: deliveries are refused</span>}
            </td>
          </tr>
        )}
      />

      <section className="panel" aria-labelledby="add-heading">
        <h2 id="add-heading">Add a project</h2>
        <form method="post" action="/api/admin/projects" className="form">
          <div className="grid-2">
            <div className="form-row">
              <label htmlFor="repository">GitHub repository</label>
              <input
                id="repository"
                name="repository"
                required
                placeholder="owner/repo"
                defaultValue={value('repository')}
                spellCheck={false}
                aria-invalid={invalid('repository')}
                aria-describedby="repository-error repository-hint"
              />
              <p className="hint" id="repository-hint">
                As <code>owner/repo</code> (a GitHub URL works too).
              </p>
              <FieldError id="repository-error" errors={flash?.errors} field="repository" />
            </div>
            <div className="form-row">
              <label htmlFor="name">Display name</label>
              <input
                id="name"
                name="name"
                placeholder="defaults to the repository name"
                defaultValue={value('name')}
                aria-invalid={invalid('name')}
                aria-describedby="name-error"
              />
              <FieldError id="name-error" errors={flash?.errors} field="name" />
            </div>
          </div>
          <div className="form-row">
            <label htmlFor="webhookSecret">Webhook secret</label>
            <input
              id="webhookSecret"
              name="webhookSecret"
              className="mono"
              defaultValue={value('webhookSecret', newSecret)}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={invalid('webhookSecret')}
              aria-describedby="secret-hint webhookSecret-error"
            />
            <p className="hint" id="secret-hint">
              Generated for you. GitHub signs each delivery with it; after adding the project you get everything to paste into GitHub (payload URL <code>{webhook.payloadUrl}</code>
              ). {payloadUrlHint(webhook)}
            </p>
            <FieldError id="webhookSecret-error" errors={flash?.errors} field="webhookSecret" />
          </div>
          <div className="actions">
            <button type="submit" className="button">
              Add project
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
