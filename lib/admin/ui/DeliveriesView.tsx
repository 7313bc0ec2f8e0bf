import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useState, type FormEvent } from 'react';
import type { DeliveriesData } from '../data';
import type { FlashMessage } from '../flash';
import type { DeliveryView } from '../../github/delivery-log';
import { deliveryAdminPath } from '../paths';
import { callApi, problemMessage } from './api';
import { DataTable } from './DataTable';
import { Flash } from './Flash';
import { StatusBadge } from './StatusBadge';
import { formatDateTime } from './format';

type Filters = DeliveriesData['filters'];

function query(filters: Filters, offset: number): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (offset) q.set('offset', String(offset));
  return q;
}

interface ReplayAnswer {
  status: string;
  outcome: string;
  error?: { status: number; detail: string };
}

/** The replay button of one delivery: a form (303 back) that, with scripts, calls the REST API instead. */
export function ReplayButton({
  id,
  returnTo,
  onDone,
  enhanced,
}: {
  id: number;
  returnTo?: 'list';
  onDone: (flash: Pick<FlashMessage, 'kind' | 'message'>) => void;
  enhanced: boolean;
}) {
  const [busy, setBusy] = useState(false);
  async function replay(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    const r = await callApi<ReplayAnswer>(`/api/v1/deliveries/${id}/replay`, { method: 'POST' });
    setBusy(false);
    if (!r.ok || !r.body) return onDone({ kind: 'error', message: problemMessage(r.problem) });
    if (r.body.status === 'failed') return onDone({ kind: 'error', message: `Replayed delivery ${id}: it failed again (${r.body.error?.detail ?? 'error'}).` });
    onDone({ kind: 'success', message: `Replayed delivery ${id}: ${r.body.status} (${r.body.outcome}).` });
  }
  return (
    <form method="post" action="/api/admin/replay" className="inline" onSubmit={enhanced ? replay : undefined}>
      <input type="hidden" name="id" value={id} />
      {returnTo ? <input type="hidden" name="return" value={returnTo} /> : null}
      <button type="submit" className="button secondary small" disabled={busy} data-action="replay">
        {busy ? 'Replaying…' : 'Replay'}
        <span className="sr-only"> delivery {id}</span>
      </button>
    </form>
  );
}

/**
 * The webhook delivery log: filters (a GET form; with scripts, the table reloads from
 * GET /api/v1/deliveries without leaving the page), colour-coded states, replay.
 */
export function DeliveriesView({ data, flash: initialFlash }: { data: DeliveriesData; flash: FlashMessage | null }) {
  const router = useRouter();
  const [filters, setFilters] = useState<Filters>(data.filters);
  const [items, setItems] = useState<DeliveryView[]>(data.items);
  const [total, setTotal] = useState(data.total);
  const [offset, setOffset] = useState(data.offset);
  const [flash, setFlash] = useState<Pick<FlashMessage, 'kind' | 'message' | 'errors'> | null>(initialFlash);
  const [loading, setLoading] = useState(false);
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);

  async function load(f: Filters, at: number) {
    setLoading(true);
    const q = query(f, 0);
    q.set('limit', String(data.limit));
    q.set('offset', String(at));
    const r = await callApi<DeliveryView[]>(`/api/v1/deliveries?${q}`);
    setLoading(false);
    if (!r.ok || !r.body) {
      setFlash({ kind: 'error', message: problemMessage(r.problem) });
      return;
    }
    setItems(r.body);
    setTotal(Number(r.headers.get('x-total-count') ?? r.body.length));
    setOffset(at);
    const shown = query(f, at).toString();
    void router.replace(shown ? `/admin/deliveries?${shown}` : '/admin/deliveries', undefined, { shallow: true, scroll: false });
  }

  function onFilter(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFlash(null);
    void load(filters, 0);
  }

  const set = (k: keyof Filters, v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const page = (at: number) => `/admin/deliveries?${query(data.filters, at)}`;

  return (
    <>
      <h1>Deliveries</h1>
      <Flash flash={flash} />
      {data.invalid.length ? <Flash flash={{ kind: 'info', message: `Ignored filters that are not valid: ${data.invalid.join(', ')}.` }} /> : null}
      <form method="get" action="/admin/deliveries" className="form-inline panel" onSubmit={enhanced ? onFilter : undefined} aria-label="Filter deliveries">
        <div className="form-row">
          <label htmlFor="f-event">Event</label>
          <input id="f-event" name="event" value={filters.event} onChange={(e) => set('event', e.target.value)} placeholder="release, ping…" />
        </div>
        <div className="form-row">
          <label htmlFor="f-action">Action</label>
          <input id="f-action" name="action" value={filters.action} onChange={(e) => set('action', e.target.value)} placeholder="published, edited…" />
        </div>
        <div className="form-row">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" value={filters.status} onChange={(e) => set('status', e.target.value)}>
            <option value="">any</option>
            <option value="processed">processed</option>
            <option value="ignored">ignored</option>
            <option value="failed">failed</option>
          </select>
        </div>
        <div className="form-row">
          <label htmlFor="f-project">Project</label>
          <select id="f-project" name="project" value={filters.project} onChange={(e) => set('project', e.target.value)}>
            <option value="">any</option>
            {data.projects.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={loading}>
            Filter
          </button>
          <Link href="/admin/deliveries">Clear</Link>
        </div>
      </form>

      <p className="muted" aria-live="polite" data-total={total}>
        {loading ? 'Loading…' : `${total} deliver${total === 1 ? 'y' : 'ies'}`}
      </p>
      <DataTable
        label="Deliveries"
        columns={['Received', 'Event', 'Project', 'Status', 'Outcome']}
        actions
        rows={items}
        empty="No deliveries match."
        row={(d) => (
          <tr key={d.id} data-delivery={d.id} data-status={d.status}>
            <td>
              <Link href={deliveryAdminPath(d.id)}>{formatDateTime(d.receivedAt)}</Link>
              <div className="muted mono" title="X-GitHub-Delivery">
                {d.guid}
              </div>
            </td>
            <td className="mono">
              {d.event}
              {d.action ? `.${d.action}` : ''}
            </td>
            <td>{d.project ?? <span className="muted">—</span>}</td>
            <td>
              <StatusBadge status={d.status} />
              {d.duplicates ? <div className="muted">{d.duplicates}× resent</div> : null}
            </td>
            <td>
              {d.outcome ?? ''}
              {d.error ? <div className="field-error">{d.error}</div> : null}
              {d.replayedAt ? <div className="muted">replayed {formatDateTime(d.replayedAt)}</div> : null}
            </td>
            <td>
              <div className="row-actions">
                <Link href={deliveryAdminPath(d.id)} className="button secondary small">
                  Details<span className="sr-only"> of delivery {d.id}</span>
                </Link>
                <ReplayButton
                  id={d.id}
                  returnTo="list"
                  enhanced={enhanced}
                  onDone={(f) => {
                    setFlash(f);
                    void load(filters, offset);
                  }}
                />
              </div>
            </td>
          </tr>
        )}
      />
      {total > data.limit ? (
        <nav className="pager-admin" aria-label="Delivery pages">
          {offset > 0 ? <a href={page(Math.max(0, offset - data.limit))}>← Newer</a> : <span />}
          <span className="muted">
            {offset + 1}–{Math.min(offset + data.limit, total)} of {total}
          </span>
          {offset + data.limit < total ? <a href={page(offset + data.limit)}>Older →</a> : <span />}
        </nav>
      ) : null}
      <RefusedDeliveries refusals={data.refusals} />
    </>
  );
}

/** Deliveries refused before verification: kept apart (no payload), so a wrong secret can be diagnosed. */
function RefusedDeliveries({ refusals }: { refusals: DeliveriesData['refusals'] }) {
  return (
    <section className="panel" aria-labelledby="refused-heading" data-refusals={refusals.length}>
      <h2 id="refused-heading">Refused deliveries</h2>
      <p className="hint">
        Requests to the webhook URL that were answered 401 without being stored: a missing or wrong <code>X-Hub-Signature-256</code>, or no secret for the repository. Many of these
        from GitHub&apos;s addresses usually mean the secret in GitHub differs from the project&apos;s (or GITHUB_WEBHOOK_SECRET). The last 100 are kept, at most 30 a minute;
        payloads never.
      </p>
      <DataTable
        label="Refused deliveries"
        columns={['Refused', 'From', 'Event', 'Reason']}
        rows={refusals}
        empty="None refused."
        row={(r) => (
          <tr key={`${r.at}-${r.guid ?? ''}-${r.address}`} data-refusal={r.guid ?? ''}>
            <td>
              {formatDateTime(r.at)}
              {r.guid ? (
                <div className="muted mono" title="X-GitHub-Delivery">
                  {r.guid}
                </div>
              ) : null}
            </td>
            <td className="mono">{r.address}</td>
            <td className="mono">{r.event ?? <span className="muted">—</span>}</td>
            <td>
              {r.reason}
              {r.skippedBefore ? <div className="muted">{r.skippedBefore} more refused just before, not recorded (rate limit)</div> : null}
            </td>
          </tr>
        )}
      />
    </section>
  );
}
