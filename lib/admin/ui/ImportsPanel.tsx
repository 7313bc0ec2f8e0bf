import Link from 'next/link';
import { useRouter } from 'next/router';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ImportsData, ImportView } from '../data';
import type { FlashMessage } from '../flash';
import { importsAdminPath, projectAdminPath, splitFullName } from '../paths';
import { callApi, problemMessage } from './api';
import { DataTable } from './DataTable';
import { Flash } from './Flash';
import { StatusBadge } from './StatusBadge';
import { formatDateTime } from './format';

export const TERMINAL = ['succeeded', 'failed', 'rate_limited'];
const POLL_MS = 500;

function percent(i: ImportView): number | undefined {
  if (i.state === 'succeeded') return 100;
  if (!i.pagesTotal) return undefined;
  return Math.min(100, Math.round((i.pagesDone / i.pagesTotal) * 100));
}

/** What the bar's label says: one state, never "Done" beside "failed". */
export function progressText(run: ImportView): string {
  const of = run.pagesTotal ? ` of ${run.pagesTotal}` : '';
  switch (run.state) {
    case 'succeeded':
      return `Page ${run.pagesDone} of ${Math.max(run.pagesTotal ?? 0, run.pagesDone)}, done`;
    case 'failed':
      return run.pagesDone ? `Failed after page ${run.pagesDone}${of}` : 'Failed before the first page';
    case 'rate_limited':
      return run.pagesDone ? `Paused by GitHub's rate limit after page ${run.pagesDone}${of}` : "Paused by GitHub's rate limit before the first page";
    default:
      return run.pagesTotal ? `Page ${run.pagesDone} of ${run.pagesTotal}` : run.pagesDone ? `Page ${run.pagesDone}` : 'Starting…';
  }
}

/**
 * A progress bar: pages done of pages total. Indeterminate (animated) only while the import runs and
 * GitHub has not said how many pages there are; once it ends the bar stands still where it stopped.
 */
export function ImportProgress({ run }: { run: ImportView }) {
  const pct = percent(run);
  const done = TERMINAL.includes(run.state);
  const max = done ? Math.max(run.pagesTotal ?? 0, run.pagesDone, 1) : (run.pagesTotal ?? undefined);
  const value = run.state === 'succeeded' ? max : done || run.pagesTotal ? run.pagesDone : undefined;
  return (
    <section className="panel progress" aria-labelledby="progress-heading" data-import={run.id} data-state={run.state}>
      <h2 id="progress-heading">
        Import of {run.project} <StatusBadge status={run.state} />
      </h2>
      <progress id="import-progress" max={max} value={value} aria-describedby="progress-text" data-percent={pct ?? ''}>
        {pct !== undefined ? `${pct} %` : done ? run.state : 'in progress'}
      </progress>
      <div className="progress-label" id="progress-text" aria-live="polite">
        <span data-progress-pages>{progressText(run)}</span>
        <strong data-progress-percent>{pct !== undefined ? `${pct} %` : done ? '' : '…'}</strong>
      </div>
      <p>
        {run.created} created · {run.updated} updated · {run.skipped} unchanged
        {run.errors.length ? ` · ${run.errors.length} problem(s)` : ''}
      </p>
      {run.message ? <p className={run.state === 'failed' ? 'field-error' : 'muted'}>{run.message}</p> : null}
      {run.errors.length ? (
        <details>
          <summary>Problems</summary>
          <ul>
            {run.errors.slice(0, 50).map((e, i) => (
              <li key={i} className="mono">
                {e}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

const apiImportPath = (run: { project: string; id: number }) => {
  const p = splitFullName(run.project)!;
  return `/api/v1/projects/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}/imports/${run.id}`;
};

/**
 * Start a backfill and watch it. Without scripts the form posts to /api/admin/imports and the page
 * refreshes itself while the import runs; with them it POSTs to the REST API and polls the import's
 * Location every 500 ms until it ends.
 */
export function ImportsPanel({ data, flash: initialFlash }: { data: ImportsData; flash: FlashMessage | null }) {
  const router = useRouter();
  const [project, setProject] = useState(data.selected || data.projects[0] || '');
  const [current, setCurrent] = useState<ImportView | null>(data.current);
  const [flash, setFlash] = useState<Pick<FlashMessage, 'kind' | 'message'> | null>(initialFlash);
  const [busy, setBusy] = useState(false);
  const [enhanced, setEnhanced] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => setEnhanced(true), []);

  const poll = useCallback((location: string) => {
    clearTimeout(timer.current);
    const tick = async () => {
      const r = await callApi<ImportView>(location);
      if (r.ok && r.body) {
        setCurrent(r.body);
        if (TERMINAL.includes(r.body.state)) return;
      }
      timer.current = setTimeout(tick, POLL_MS);
    };
    timer.current = setTimeout(tick, POLL_MS);
  }, []);

  const watched = data.current;
  useEffect(() => {
    if (watched && !TERMINAL.includes(watched.state)) poll(apiImportPath(watched));
    return () => clearTimeout(timer.current);
  }, [watched, poll]);

  // The import being watched leads the list, as it is now.
  const recent = current ? [current, ...data.recent.filter((r) => r.id !== current.id)] : data.recent;

  async function start(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const p = splitFullName(project);
    if (!p) return setFlash({ kind: 'error', message: 'Choose a project to import.' });
    setBusy(true);
    const r = await callApi<ImportView & { resumed: boolean }>(`/api/v1/projects/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}/imports`, { method: 'POST' });
    setBusy(false);
    const location = r.headers.get('location');
    if (r.status !== 202 || !r.body || !location) return setFlash({ kind: 'error', message: problemMessage(r.problem) });
    setCurrent(r.body);
    setFlash({ kind: 'info', message: r.body.resumed ? `Resumed the unfinished import of ${project}.` : `Started importing ${project} from GitHub.` });
    void router.replace(importsAdminPath(project, r.body.id), undefined, { shallow: true, scroll: false });
    poll(location);
  }

  return (
    <>
      <h1>Imports</h1>
      <Flash flash={flash} />
      <section className="panel" aria-labelledby="start-heading">
        <h2 id="start-heading">Import releases from GitHub</h2>
        <p className="hint">
          Reads every release of the repository from {data.githubApi} (with GITHUB_TOKEN when set) and adds or updates them here. Running it again only fetches what changed; an
          interrupted import resumes where it stopped.
        </p>
        {data.projects.length === 0 ? (
          <p>
            Add a project first on the <Link href="/admin">projects page</Link>.
          </p>
        ) : (
          <form method="post" action="/api/admin/imports" className="form-inline" onSubmit={enhanced ? start : undefined}>
            <div className="form-row">
              <label htmlFor="import-project">Project</label>
              <select id="import-project" name="project" value={project} onChange={(e) => setProject(e.target.value)}>
                {data.projects.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button" disabled={busy || (!!current && !TERMINAL.includes(current.state) && current.project === project)} data-action="start-import">
              Start import
            </button>
          </form>
        )}
      </section>

      {current ? <ImportProgress run={current} /> : null}

      <h2>Recent imports</h2>
      <DataTable
        label="Recent imports"
        columns={[
          'Started',
          'Project',
          'State',
          { label: 'Pages', num: true },
          { label: 'Created', num: true },
          { label: 'Updated', num: true },
          { label: 'Unchanged', num: true },
        ]}
        rows={recent}
        empty="None yet."
        row={(i) => {
          const p = splitFullName(i.project);
          return (
            <tr key={i.id}>
              <td>
                <a href={importsAdminPath(i.project, i.id)}>{formatDateTime(i.createdAt)}</a>
              </td>
              <td>{p ? <Link href={projectAdminPath(p)}>{i.project}</Link> : i.project}</td>
              <td>
                <StatusBadge status={i.state} />
              </td>
              <td className="num">
                {i.pagesDone}
                {i.pagesTotal ? ` / ${i.pagesTotal}` : ''}
              </td>
              <td className="num">{i.created}</td>
              <td className="num">{i.updated}</td>
              <td className="num">{i.skipped}</td>
            </tr>
          );
        }}
      />
    </>
  );
}
