import type { NextApiRequest, NextApiResponse } from 'next';
import { config } from '../config';
import { getDb } from '../db';
import { ApiError } from '../http/errors';
import { readBody } from '../http/body';
import { assertNoNul } from '../http/pointer';
import { sendJson } from '../http/route';
import { log } from '../log';
import { findProjectRow } from '../projects/repo';
import { receiveDelivery } from './deliveries-core';
import { matchSignature } from './signature';

const GUID = /^[A-Za-z0-9._:-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;

function header(req: NextApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * POST /api/webhooks/github. Verifies X-Hub-Signature-256 over the raw bytes against the project's
 * secret, the global GITHUB_WEBHOOK_SECRET or a previous one (rotation); a missing or wrong signature
 * is a 401 and nothing is stored. Then records and applies the delivery in one transaction.
 */
export async function postGitHubWebhook(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const event = header(req, 'x-github-event');
  const guid = header(req, 'x-github-delivery');
  const missing = [
    ...(!event || !EVENT.test(event) ? [{ header: 'X-GitHub-Event', detail: 'is required (the event name, e.g. release)' }] : []),
    ...(!guid || !GUID.test(guid) ? [{ header: 'X-GitHub-Delivery', detail: 'is required (the delivery GUID)' }] : []),
  ];
  if (missing.length) throw ApiError.badRequest('This does not look like a GitHub webhook delivery.', missing);
  const body = await readBody(req, { types: ['application/json', 'application/x-www-form-urlencoded'], allowNul: true });
  let payload: unknown = body.value;
  if (body.type === 'application/x-www-form-urlencoded') {
    // GitHub's "application/x-www-form-urlencoded" content type: the JSON is in `payload`.
    try {
      payload = JSON.parse(String((body.value as Record<string, unknown>).payload ?? ''));
    } catch {
      throw ApiError.badRequest('The form body has no JSON `payload` field.', [{ pointer: '/payload', detail: 'must hold the JSON payload' }]);
    }
  }
  const fullName = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  const [owner, repo] = typeof fullName === 'string' ? fullName.split('/') : [];
  // Before the signature is checked: only the row (its secret), none of the per-project aggregates.
  const project = owner && repo ? await findProjectRow(await getDb(), owner, repo) : undefined;
  const cfg = config();
  const global = [cfg.GITHUB_WEBHOOK_SECRET, ...cfg.GITHUB_WEBHOOK_SECRETS_PREVIOUS].filter((s): s is string => !!s);
  const secrets = [...(project?.webhookSecret ? [project.webhookSecret] : []), ...global];
  if (!secrets.length) {
    throw new ApiError(401, {
      type: 'signature',
      detail: "No webhook secret is configured for this delivery's repository: set the project's webhookSecret or GITHUB_WEBHOOK_SECRET.",
      headers: { 'WWW-Authenticate': 'Signature realm="github-webhook"' },
    });
  }
  const match = matchSignature(body.raw, header(req, 'x-hub-signature-256'), secrets);
  if (match < 0) {
    log().warn({ guid, event, repository: fullName }, 'webhook rejected: bad signature');
    throw new ApiError(401, {
      type: 'signature',
      detail: 'X-Hub-Signature-256 is missing or does not match the payload (HMAC-SHA256 with the webhook secret).',
      errors: [{ header: 'X-Hub-Signature-256', detail: 'missing or wrong' }],
      headers: { 'WWW-Authenticate': 'Signature realm="github-webhook"' },
    });
  }
  // Only now, for a signed delivery: a payload no database can store (a NUL character) is refused, not logged.
  assertNoNul(payload);
  const projectSigned = !!project?.webhookSecret && match === 0;
  const action = payload && typeof payload === 'object' && typeof (payload as { action?: unknown }).action === 'string' ? (payload as { action: string }).action : null;
  const result = await receiveDelivery({ guid: guid!, event: event!, action, payload, globallySigned: !projectSigned });
  if (result.status === 'ignored') log().info({ guid, event, action }, 'webhook ignored');
  if (result.error) {
    // The delivery is logged as failed: say which one, so it can be replayed once the cause is fixed.
    const e = result.error;
    throw new ApiError(e.status, { type: e.type.replace('/problems/', ''), title: e.title, detail: e.detail, errors: e.errors, headers: e.headers, extensions: { ...e.extensions, deliveryId: result.deliveryId } });
  }
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, result.httpStatus, { ...result.body, deliveryId: result.deliveryId });
}
