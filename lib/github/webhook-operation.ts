import { z } from 'zod';
import { defineOperation } from '../http/operation';
import { onVercel, VERCEL_BODY_LIMIT, VERCEL_BODY_NOTE } from '../http/vercel';
import { withRefusalLog } from './refusals';
import { postGitHubWebhook } from './webhook';
import { GitHubPayload, GitHubReleaseEvent, WebhookDuplicate, WebhookIgnored, WebhookPong, WebhookProcessed } from './webhook-schemas';

const GitHubFormPayload = z
  .object({ payload: z.string().meta({ description: 'The JSON payload.', example: '{"zen":"Design for failure.","hook_id":123}' }) })
  .meta({ id: 'GitHubFormPayload', description: "GitHub's form-encoded delivery: the JSON payload in the `payload` field. A form without it is a 400." });

const receive = withRefusalLog(postGitHubWebhook);

/**
 * POST /api/webhooks/github. The receiver checks its headers and the signature itself, in its own
 * order (the signature over the raw bytes, before anything is parsed or stored), and answers itself:
 * the definition documents them. Refused (unverified) deliveries are kept in a small record the
 * console shows (lib/github/refusals).
 */
export const receiveGitHubWebhook = defineOperation({
  operationId: 'receiveGitHubWebhook',
  method: 'POST',
  path: '/api/webhooks/github',
  area: 'GitHub webhook',
  summary: 'Receive a GitHub webhook delivery',
  description:
    'Where a GitHub repository (or organisation) webhook points: Payload URL `https://<shiplog>/api/webhooks/github`, content type `application/json` (`application/x-www-form-urlencoded` works too), the webhook secret, and the *Releases* event. No bearer token: the delivery is authenticated by `X-Hub-Signature-256`, checked over the raw bytes before anything is stored. ' +
    'A verified delivery is logged (see `/api/v2/deliveries`) and applied in the same transaction. A release for a repository that is not a project is a 404 (still logged, as `failed`, to be replayed once the project exists) unless SHIPLOG_AUTO_REGISTER=true and the delivery was signed with the global secret, which creates the project. ' +
    "A delivery GUID seen before (GitHub keeps the GUID when it redelivers) is answered 200 `duplicate` without processing: to reprocess a failed delivery, replay it (`POST /api/v2/deliveries/{id}/replay`). Bodies up to 25 MB (GitHub's own cap); unversioned and not rate limited.",
  scope: 'public',
  headers: z.object({
    'X-GitHub-Event': z
      .string()
      .regex(/^[a-z_]{1,64}$/)
      .meta({
        param: {
          id: 'X-GitHub-Event',
          in: 'header',
          name: 'X-GitHub-Event',
          description: 'The event name. `release` events are applied, `ping` is answered, anything else is logged and ignored (202).',
          example: 'release',
        },
      }),
    'X-GitHub-Delivery': z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/)
      .meta({
        param: {
          id: 'X-GitHub-Delivery',
          in: 'header',
          name: 'X-GitHub-Delivery',
          description: 'The delivery GUID. A GUID seen before is answered `duplicate` and not processed again.',
          example: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        },
      }),
    'X-Hub-Signature-256': z
      .string()
      .regex(/^sha256=[0-9a-fA-F]{64}$/)
      .meta({
        param: {
          id: 'X-Hub-Signature-256',
          in: 'header',
          name: 'X-Hub-Signature-256',
          description:
            "`sha256=` and the hex HMAC-SHA256 of the raw request body, keyed with the webhook secret: the project's `webhookSecret`, else GITHUB_WEBHOOK_SECRET (or one of GITHUB_WEBHOOK_SECRETS_PREVIOUS, while rotating). Missing or wrong → 401, and nothing is stored; with no secret configured for the repository at all, every delivery is a 401.",
          example: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        },
      }),
  }),
  validateHeaders: false,
  body: {
    description: 'The event payload, exactly as GitHub sends it (the signature covers these bytes).',
    content: { 'application/json': z.union([GitHubReleaseEvent, GitHubPayload]), 'application/x-www-form-urlencoded': GitHubFormPayload },
    read: 'handler',
  },
  // GitHub signs the raw bytes: read with GitHub's own 25 MB cap; on Vercel, the platform's 4.5 MB
  // (middleware answers a bigger one 413 problem+json before the platform refuses it in plain text).
  limits: onVercel() ? { body: VERCEL_BODY_LIMIT, bodyNote: VERCEL_BODY_NOTE } : { body: '25mb' },
  responses: {
    200: {
      description: 'Processed (a release event applied, or a ping answered), or a duplicate.',
      content: { 'application/json': z.union([WebhookProcessed, WebhookPong, WebhookDuplicate]) },
      headers: ['Cache-Control'],
    },
    202: {
      description: 'Logged and ignored: an event, or a release action, Shiplog does not act on.',
      content: { 'application/json': WebhookIgnored },
      headers: ['Cache-Control'],
    },
  },
  // 409: a release event for a project's name from another GitHub repository than the one it follows.
  errors: [401, 404, 409, 422, 503],
}).handle(async ({ req, res }) => {
  await receive(req, res);
  return res.statusCode === 202 ? { status: 202, sent: true } : { status: 200, sent: true };
});
