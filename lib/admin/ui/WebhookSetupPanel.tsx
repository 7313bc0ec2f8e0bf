import type { PayloadUrl, WebhookSetup } from '../data';
import { CopyField } from './CopyField';

/** Whether GitHub can reach the payload URL, and where it comes from (SHIPLOG_PUBLIC_URL or this request). */
export function payloadUrlHint(p: PayloadUrl): string {
  if (p.payloadUrlConfigured) {
    return p.payloadUrlLocal
      ? 'From SHIPLOG_PUBLIC_URL, but a local address: GitHub cannot reach it. Set SHIPLOG_PUBLIC_URL to the address GitHub can reach.'
      : 'From SHIPLOG_PUBLIC_URL.';
  }
  return p.payloadUrlLocal
    ? "Built from the address you opened this console at, a local one GitHub cannot reach. Set SHIPLOG_PUBLIC_URL to this server's public address (e.g. https://changelog.example.com) and restart; the URL here follows it."
    : 'Built from the address you opened this console at. If GitHub reaches this server at another address, set SHIPLOG_PUBLIC_URL to it.';
}

/** Exactly what to enter in GitHub's "Add webhook" form for this repository. */
export function WebhookSetupPanel({ fullName, setup }: { fullName: string; setup: WebhookSetup }) {
  return (
    <section className={`panel${setup.secret ? ' setup' : ''}`} aria-labelledby="webhook-heading" data-webhook-setup>
      <h2 id="webhook-heading">Connect GitHub</h2>
      <p>
        In{' '}
        <a href={setup.settingsUrl} rel="noopener noreferrer" target="_blank">
          {fullName} → Settings → Webhooks → Add webhook
        </a>
        , enter:
      </p>
      <div className="form">
        <CopyField id="payload-url" label="Payload URL" value={setup.payloadUrl} hint={payloadUrlHint(setup)} />
        <CopyField id="content-type" label="Content type" value={setup.contentType} hint="Choose application/json in GitHub's Content type menu." />
        {setup.secret ? (
          <CopyField id="webhook-secret" label="Secret" value={setup.secret} hint="Shown now only: it is stored for verifying deliveries but never displayed again." />
        ) : (
          <div className="form-row">
            <span className="label-like">
              <strong>Secret</strong>
            </span>
            <p className="hint">
              {setup.hasSecret
                ? 'This project has its own secret (shown only when it is set). Lost it? Generate a new one and paste that into GitHub.'
                : setup.globalSecret
                  ? 'This project has no secret of its own: deliveries must be signed with the server-wide GITHUB_WEBHOOK_SECRET. Generate one to give it its own.'
                  : 'This project has no secret, and the server has no GITHUB_WEBHOOK_SECRET: every delivery is refused until you generate one here.'}
            </p>
          </div>
        )}
        <div className="form-row">
          <strong>Which events?</strong>
          <p className="hint">
            Choose “Let me select individual events”, tick <strong>Releases</strong> (and untick Pushes), keep <strong>Active</strong> ticked, then Add webhook. GitHub sends a ping
            first: it shows up in the deliveries log.
          </p>
        </div>
      </div>
      <form method="post" action="/api/admin/webhook-secret" className="actions">
        <input type="hidden" name="project" value={fullName} />
        <button type="submit" className="button secondary small">
          {setup.hasSecret ? 'Generate a new secret' : 'Generate a secret'}
        </button>
      </form>
    </section>
  );
}
