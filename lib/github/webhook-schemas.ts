import { z } from 'zod';
import { deliveryStatuses } from '../db/schema';
import type { ApplyOutcome } from './apply';
import { Delivery } from './delivery-log';
import { ReleaseEvent } from './payload';

/**
 * The schemas of the GitHub webhook receiver's answers and of its delivery log, as documented (the
 * operations in webhook-operation.ts and delivery-operations.ts declare them as their responses).
 */

/** Compile-time: `tsc` fails unless A and B are the same type (keeps hand-written schemas in step with the code). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function inSync<_T extends true>(): void {}

/** What applying a release event did (lib/github/apply.ts). */
export const APPLY_OUTCOMES = ['created', 'updated', 'unchanged', 'deleted', 'already-deleted', 'tombstoned'] as const satisfies readonly ApplyOutcome[];
inSync<Same<(typeof APPLY_OUTCOMES)[number], ApplyOutcome>>();
export const OUTCOME_TEXT =
  '`created`, `updated`, `unchanged` (nothing differed), `deleted`, `already-deleted` (it was not there) or `tombstoned` (the release was deleted on GitHub before: a late or replayed event does not bring it back).';

export const ReleaseRef = z.object({
  project: z.string().meta({ description: '`owner/repo`.', example: 'acme/rocket' }),
  tag: z.string().meta({ example: 'v2.3.0' }),
});
export const deliveryRef = z.number().int().meta({ description: 'The delivery in the log (`GET /api/v2/deliveries/{id}`, `POST …/replay`).', example: 42 });

export const GitHubReleaseEvent = ReleaseEvent.meta({
  id: 'GitHubReleaseEvent',
  description:
    "GitHub's `release` event payload (only the members Shiplog reads; GitHub sends many more, which are ignored). Actions `published`, `released`, `prereleased`, `created` and `edited` create or update the release (`edited` re-reads the release from GitHub first when GITHUB_TOKEN is set, so the newest of two racing edits wins); `unpublished` turns it back into a draft; `deleted` deletes it.",
  example: {
    action: 'published',
    release: {
      id: 123456789,
      tag_name: 'v2.3.0',
      name: 'v2.3.0 — Faster cold starts',
      body: '## Changed\n- Cold starts are 40% faster',
      draft: false,
      prerelease: false,
      html_url: 'https://github.com/acme/rocket/releases/tag/v2.3.0',
      published_at: '2026-11-01T12:00:00Z',
      author: { login: 'octocat' },
    },
    repository: { name: 'rocket', full_name: 'acme/rocket', owner: { login: 'acme' } },
  },
});
export const GitHubPayload = z.looseObject({}).meta({
  id: 'GitHubPayload',
  description: 'Any other event (`ping`, `push`, …): stored in the delivery log; `ping` is answered with its `zen`, the rest with 202.',
  example: { zen: 'Design for failure.', hook_id: 123 },
});

export const WebhookProcessed = z
  .object({
    status: z.literal('processed'),
    event: z.literal('release'),
    action: z.string().meta({ example: 'published' }),
    outcome: z.enum(APPLY_OUTCOMES).meta({ description: OUTCOME_TEXT }),
    release: ReleaseRef,
    deliveryId: deliveryRef,
  })
  .meta({ id: 'WebhookProcessed', description: 'A release event, applied.' });
export const WebhookPong = z
  .object({
    status: z.literal('processed'),
    event: z.literal('ping'),
    zen: z.string().nullable().meta({ description: "The `zen` of GitHub's ping.", example: 'Design for failure.' }),
    deliveryId: deliveryRef,
  })
  .meta({ id: 'WebhookPong', description: 'The answer to the `ping` GitHub sends when the webhook is created.' });
export const WebhookDuplicate = z
  .object({
    status: z.literal('duplicate'),
    delivery: z.string().meta({ description: 'The `X-GitHub-Delivery` GUID, seen before.', example: '72d3162e-cc78-11e3-81ab-4c9367dc0958' }),
    deliveryId: deliveryRef.nullable(),
  })
  .meta({ id: 'WebhookDuplicate', description: 'This delivery GUID was received before: counted (`duplicates` in the log), not processed again.' });
export const WebhookIgnored = z
  .object({
    status: z.literal('ignored'),
    event: z.string().meta({ example: 'push' }),
    action: z.string().optional().meta({ description: 'Present for a release event whose action Shiplog does not act on.' }),
    detail: z.string().meta({ example: 'Shiplog acts on release events only; push was ignored.' }),
    deliveryId: deliveryRef,
  })
  .meta({ id: 'WebhookIgnored', description: 'Received and logged, but not an event (or release action) Shiplog acts on.' });

export const DeliveryDetail = Delivery.extend({
  payload: z.unknown().meta({ description: 'The payload as received (for form-encoded deliveries, the JSON of their `payload` field).' }),
}).meta({ id: 'DeliveryDetail', description: 'A delivery with its stored payload.' });

export const DeliveryReplay = z
  .object({
    deliveryId: deliveryRef,
    status: z.enum(deliveryStatuses).meta({ description: "How the replay went; also stored as the delivery's `status`." }),
    outcome: z.string().meta({ description: `${OUTCOME_TEXT.replace(/\.$/, '')}; \`pong\` for a ping, \`ignored\` or \`failed\`.`, example: 'created' }),
    event: z.string().optional().meta({ example: 'release' }),
    action: z.string().optional().meta({ example: 'published' }),
    release: ReleaseRef.optional(),
    zen: z.string().nullable().optional(),
    detail: z.string().optional().meta({ description: 'Why it was ignored.' }),
    error: z
      .object({ status: z.number().int().meta({ example: 404 }), detail: z.string() })
      .optional()
      .meta({ description: 'When `status` is `failed`: the error the webhook sender would have got (its status and detail).' }),
  })
  .meta({
    id: 'DeliveryReplay',
    description: 'What replaying did: the same members as the webhook response (without `duplicate`: a replay always reprocesses), plus `outcome` and, on failure, `error`.',
  });
