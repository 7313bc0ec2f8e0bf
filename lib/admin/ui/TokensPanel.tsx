import { useEffect, useState, type FormEvent } from 'react';
import type { FlashMessage } from '../flash';
import type { TokenView } from '../../tokens/repo';
import { callApi, problemFields, problemMessage } from './api';
import { CopyField } from './CopyField';
import { DataTable } from './DataTable';
import { FieldError, Flash } from './Flash';
import { formatDateTime } from './format';

const SCOPES = [
  ['read', 'read: drafts and hidden releases, imports'],
  ['write', 'write: projects, releases, imports (and this console)'],
  ['admin', 'admin: everything, including tokens and deliveries'],
] as const;

interface Created {
  id: string;
  name: string;
  secret: string;
}

/**
 * API tokens: create one (its secret is shown once, with a copy button), see scopes and last use,
 * revoke. Forms post to /api/admin/tokens; with scripts they call /api/v1/tokens directly.
 */
export function TokensPanel({ tokens: initial, flash: initialFlash, sessionTokenId }: { tokens: TokenView[]; flash: FlashMessage | null; sessionTokenId: number | null }) {
  const [tokens, setTokens] = useState(initial);
  const [flash, setFlash] = useState<Pick<FlashMessage, 'kind' | 'message' | 'errors'> | null>(initialFlash);
  const [created, setCreated] = useState<Created | null>(
    initialFlash?.data?.secret ? { id: initialFlash.data.tokenId ?? '', name: initialFlash.data.tokenName ?? '', secret: initialFlash.data.secret } : null,
  );
  const form = initialFlash?.kind === 'error' ? initialFlash.form : undefined;
  const [name, setName] = useState(typeof form?.name === 'string' ? form.name : '');
  const [scopes, setScopes] = useState<string[]>(form ? [form.scopes ?? []].flat() : ['write']);
  const [busy, setBusy] = useState(false);
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);
  const errors = flash?.kind === 'error' ? flash.errors : undefined;

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    const r = await callApi<TokenView & { token: string }>('/api/v1/tokens', { method: 'POST', json: { name: name.trim(), scopes } });
    setBusy(false);
    if (!r.ok || !r.body) {
      setCreated(null);
      return setFlash({ kind: 'error', message: problemMessage(r.problem), errors: problemFields(r.problem) });
    }
    const { token, ...view } = r.body;
    setTokens((t) => [view, ...t]);
    setCreated({ id: String(view.id), name: view.name, secret: token });
    setFlash({ kind: 'success', message: `Created token "${view.name}". Copy its secret now: it is shown only this once.` });
    setName('');
  }

  async function revoke(e: FormEvent<HTMLFormElement>, t: TokenView) {
    e.preventDefault();
    setBusy(true);
    const r = await callApi(`/api/v1/tokens/${t.id}`, { method: 'DELETE' });
    setBusy(false);
    if (r.status !== 204) return setFlash({ kind: 'error', message: problemMessage(r.problem) });
    if (t.id === sessionTokenId) {
      window.location.assign('/admin/login');
      return;
    }
    setTokens((list) => list.filter((x) => x.id !== t.id));
    if (created?.id === String(t.id)) setCreated(null);
    setFlash({ kind: 'success', message: `Revoked "${t.name}". It stops working at once, and so do sessions opened with it.` });
  }

  return (
    <>
      <h1>Tokens</h1>
      <Flash flash={flash} />
      {created ? (
        <section className="panel secret-once" aria-labelledby="secret-heading" data-new-token={created.id}>
          <h2 id="secret-heading">Secret of “{created.name}”</h2>
          <CopyField
            id="new-token-secret"
            label="Token secret"
            value={created.secret}
            hint="Store it now (a password manager or your CI's secrets). Shiplog keeps only a hash and cannot show it again."
          />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="create-heading">
        <h2 id="create-heading">Create a token</h2>
        <form method="post" action="/api/admin/tokens" className="form" onSubmit={enhanced ? create : undefined}>
          <input type="hidden" name="intent" value="create" />
          <div className="form-row">
            <label htmlFor="token-name">Name</label>
            <input
              id="token-name"
              name="name"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. CI publisher"
              aria-describedby="name-error"
            />
            <FieldError id="name-error" errors={errors} field="name" />
          </div>
          <fieldset className="checks">
            <legend>Scopes</legend>
            {SCOPES.map(([scope, label]) => (
              <label key={scope}>
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  checked={scopes.includes(scope)}
                  onChange={(e) => setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))}
                />{' '}
                {label}
              </label>
            ))}
          </fieldset>
          <FieldError id="scopes-error" errors={errors} field="scopes" />
          <div className="actions">
            <button type="submit" className="button" disabled={busy} data-action="create-token">
              Create token
            </button>
          </div>
        </form>
      </section>

      <h2>All tokens</h2>
      <DataTable
        label="Tokens"
        columns={['Name', 'Prefix', 'Scopes', 'Created', 'Last used']}
        actions
        rows={tokens}
        empty="No tokens yet (SHIPLOG_ADMIN_TOKEN still works)."
        row={(t) => (
          <tr key={t.id} data-token={t.id} data-token-name={t.name}>
            <td>
              {t.name}
              {t.id === sessionTokenId ? <div className="muted">this session</div> : null}
            </td>
            <td className="mono">{t.prefix}…</td>
            <td>
              {t.scopes.map((s) => (
                <span key={s} className="pill">
                  {s}
                </span>
              ))}
            </td>
            <td>{formatDateTime(t.createdAt)}</td>
            <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : <span className="muted">never</span>}</td>
            <td>
              <form method="post" action="/api/admin/tokens" className="inline" onSubmit={enhanced ? (e) => revoke(e, t) : undefined}>
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="id" value={t.id} />
                <button type="submit" className="button danger small" disabled={busy} data-action="revoke">
                  Revoke<span className="sr-only"> {t.name}</span>
                </button>
              </form>
            </td>
          </tr>
        )}
      />
    </>
  );
}
