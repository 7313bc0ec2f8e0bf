import type { WebhookSetup } from '../data';
import { CopyField } from './CopyField';

/** Exactly what to enter in GitHub's "Add webhook" form for this repository. */
export function WebhookSetupPanel({ fullName, setup }: { fullName: string; setup: WebhookSetup }) {
  return (
    <section className={`panel${setup.secret ? ' setup' : ''}`} aria-labelledby="webhook-heading" data-webhook-setup>
      <h2 id="webhook-heading">Connect GitHub</h2>
      <p>
        In <a href={setup.settingsUrl} rel="noopener noreferrer" target="_blank">{fullName} → Settings → Webhooks → Add webhook</a>, enter:
      </p>
      <div className="form">
        <CopyField id="payload-url" label="Payload URL" value={setup.payloadUrl} />
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
                : 'This project has no secret of its own: deliveries must be signed with the server-wide GITHUB_WEBHOOK_SECRET. Generate one to give it its own.'}
            </p>
          </div>
        )}
        <div className="form-row">
          <strong>Which events?</strong>
          <p className="hint">
            Choose “Let me select individual events”, tick <strong>Releases</strong> (and untick Pushes), keep <strong>Active</strong> ticked, then Add webhook. GitHub sends a ping first: it shows up in the deliveries log.
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
