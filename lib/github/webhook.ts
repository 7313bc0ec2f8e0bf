import { createHash } from 'node:crypto';
import type { NextApiRequest, NextApiResponse } from 'next';
import { config } from '../config';
import { getDb } from '../db';
import type { ProjectRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { parseBody, readRawBody } from '../http/body';
import { assertNoNul } from '../http/pointer';
import { sendJson } from '../http/method-router';
import { log } from '../log';
import { findProjectRow, findProjectRowByRepositoryId } from '../projects/repo';
import { receiveDelivery } from './process-delivery';
import { matchSignature } from './signature';
import { admitWebhook, webhookRefused } from './webhook-limit';

const GUID = /^[A-Za-z0-9._:-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;
const TYPES = ['application/json', 'application/x-www-form-urlencoded'];
/**
 * Without GitHub's X-GitHub-Hook-Installation-Target-ID header, an unsigned body this small may be
 * parsed to find its repository (and so the project's own secret); a bigger one is checked against
 * the global secrets only, before any parsing.
 */
const UNSIGNED_PARSE_LIMIT = 1024 * 1024;

function header(req: NextApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

type Repo = { id?: unknown; full_name?: unknown } | undefined;
const repositoryOf = (payload: unknown): Repo => (payload && typeof payload === 'object' ? ((payload as { repository?: Repo }).repository ?? undefined) : undefined);

/** The project a payload's repository is: by GitHub's repository id first (it survives renames), else by name. */
async function projectOf(repository: Repo): Promise<ProjectRow | undefined> {
  const db = await getDb();
  if (typeof repository?.id === 'number' && Number.isSafeInteger(repository.id)) {
    const byId = await findProjectRowByRepositoryId(db, repository.id);
    if (byId) return byId;
  }
  const [owner, repo, ...rest] = typeof repository?.full_name === 'string' ? repository.full_name.split('/') : [];
  return owner && repo && !rest.length && owner.length <= 100 && repo.length <= 100 ? findProjectRow(db, owner, repo) : undefined;
}

/** A project with its own secret accepts only that one (and its previous one, while rotating); others the global ones. */
function secretsFor(project: ProjectRow | undefined): { secrets: string[]; own: boolean } {
  if (project?.webhookSecret) return { secrets: [project.webhookSecret, ...(project.webhookSecretPrevious ? [project.webhookSecretPrevious] : [])], own: true };
  const cfg = config();
  return { secrets: [cfg.GITHUB_WEBHOOK_SECRET, ...cfg.GITHUB_WEBHOOK_SECRETS_PREVIOUS].filter((s): s is string => !!s), own: false };
}

function parsePayload(type: string, raw: Buffer): unknown {
  const body = parseBody(type, raw, { allowNul: true });
  if (body.type !== 'application/x-www-form-urlencoded') return body.value;
  // GitHub's "application/x-www-form-urlencoded" content type: the JSON is in `payload`.
  try {
    return JSON.parse(String((body.value as Record<string, unknown>).payload ?? ''));
  } catch {
    throw ApiError.badRequest('The form body has no JSON `payload` field.', [{ pointer: '/payload', detail: 'must hold the JSON payload' }]);
  }
}

const unsigned = (detail: string) =>
  new ApiError(401, {
    type: 'signature',
    detail,
    errors: [{ header: 'X-Hub-Signature-256', detail: 'missing or wrong' }],
    headers: { 'WWW-Authenticate': 'Signature realm="github-webhook"' },
  });

/**
 * POST /api/webhooks/github. Signature first, then parsing: the raw bytes are checked against
 * X-Hub-Signature-256 before any JSON is parsed (a small body may be parsed only to find its project
 * when GitHub's target header is absent). The secrets are the project's own (and its previous one)
 * when it has one, else GITHUB_WEBHOOK_SECRET or a previous one. A missing or wrong signature is a
 * 401 and nothing is stored; per-address limits answer 429 before the body is read. Then the delivery
 * is recorded and applied in one transaction.
 */
export async function postGitHubWebhook(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  const event = header(req, 'x-github-event');
  const guid = header(req, 'x-github-delivery');
  const missing = [
    ...(!event || !EVENT.test(event) ? [{ header: 'X-GitHub-Event', detail: 'is required (the event name, e.g. release)' }] : []),
    ...(!guid || !GUID.test(guid) ? [{ header: 'X-GitHub-Delivery', detail: 'is required (the delivery GUID)' }] : []),
  ];
  if (missing.length) throw ApiError.badRequest('This does not look like a GitHub webhook delivery.', missing);
  await admitWebhook(req);
  const { type, raw } = await readRawBody(req, { types: TYPES, allowNul: true });
  const signature = header(req, 'x-hub-signature-256');

  // Which project's secrets apply, without parsing a body nobody has signed yet.
  const targetType = header(req, 'x-github-hook-installation-target-type');
  const targetId = Number(header(req, 'x-github-hook-installation-target-id'));
  let payload: unknown;
  let parsed = false;
  let candidate: ProjectRow | undefined;
  if (targetType === 'repository' && Number.isSafeInteger(targetId) && targetId > 0) {
    candidate = await findProjectRowByRepositoryId(await getDb(), targetId);
  }
  if (!candidate && raw.length <= UNSIGNED_PARSE_LIMIT) {
    try {
      payload = parsePayload(type, raw);
      parsed = true;
      candidate = await projectOf(repositoryOf(payload));
    } catch {
      // Unparseable: the signature check below decides, and a signed one is answered 400 after it.
    }
  }
  const first = secretsFor(candidate);
  if (!first.secrets.length) {
    await webhookRefused(req);
    throw unsigned("No webhook secret is configured for this delivery's repository: set the project's webhookSecret or GITHUB_WEBHOOK_SECRET.");
  }
  if (matchSignature(raw, signature, first.secrets) < 0) {
    await webhookRefused(req);
    log().warn({ guid, event, project: candidate ? `${candidate.owner}/${candidate.repo}` : undefined }, 'webhook rejected: bad signature');
    throw unsigned(
      first.own
        ? `X-Hub-Signature-256 does not match: ${candidate!.owner}/${candidate!.repo} has its own webhook secret, and only it (or its previous one) is accepted.`
        : 'X-Hub-Signature-256 is missing or does not match the payload (HMAC-SHA256 with the webhook secret).',
    );
  }
  // Signed: now the body is worth parsing.
  if (!parsed) payload = parsePayload(type, raw);
  // The payload's own project decides in the end: a body signed with one project's (or the global)
  // secret that names another project with its own secret is refused.
  const project = await projectOf(repositoryOf(payload));
  if (project?.id !== candidate?.id) {
    const final = secretsFor(project);
    if (matchSignature(raw, signature, final.secrets) < 0) {
      await webhookRefused(req);
      throw unsigned(
        `The delivery names ${project ? `${project.owner}/${project.repo}` : 'a repository'} but is not signed with its webhook secret${final.own ? ' (it has its own; the global one is not accepted for it)' : ''}.`,
      );
    }
  }
  // Only now, for a signed delivery: a payload no database can store (a NUL character) is refused, not logged.
  assertNoNul(payload);
  const projectSigned = !!project?.webhookSecret;
  const action = payload && typeof payload === 'object' && typeof (payload as { action?: unknown }).action === 'string' ? (payload as { action: string }).action : null;
  const digest = createHash('sha256').update(raw).digest('hex');
  const result = await receiveDelivery({ guid: guid!, event: event!, action, payload, digest, globallySigned: !projectSigned });
  if (result.status === 'ignored') log().info({ guid, event, action }, 'webhook ignored');
  if (result.error) {
    // The delivery is logged as failed: say which one, so it can be replayed once the cause is fixed.
    const e = result.error;
    throw new ApiError(e.status, {
      type: e.type.replace('/problems/', ''),
      title: e.title,
      detail: e.detail,
      errors: e.errors,
      headers: e.headers,
      extensions: { ...e.extensions, deliveryId: result.deliveryId },
    });
  }
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, result.httpStatus, { ...result.body, deliveryId: result.deliveryId });
}
