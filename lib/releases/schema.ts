import { z } from 'zod';
import { reactionContents, releaseSources } from '../db/schema';
import { cleanText, Timestamp, WebUrl } from '../domain/values';

/**
 * The release resource, in one place: what the API returns (v1, v2; full, brief, extended) and what
 * it accepts (POST, PUT, PATCH). Validation, TypeScript types and the OpenAPI document all come from here.
 */

const RESERVED_TAGS = ['latest'];

/** GitHub's own limits, applied to every path (API, webhooks, imports, console). */
export const RELEASE_BODY_MAX = 125_000;
export const RELEASE_NAME_MAX = 255;

export const Tag = z
  .string()
  .min(1)
  .max(255)
  .refine((t) => t.trim() === t, { error: 'must not start or end with white space' })
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), { error: 'must not contain control characters' })
  .refine((t) => cleanText(t) === t, { error: 'must be well-formed Unicode without the characters XML forbids (lone surrogates, U+FFFE, U+FFFF)' })
  .refine((t) => t.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'), {
    error: 'must not have empty, "." or ".." path segments (such URLs cannot be addressed)',
  })
  .refine((t) => !RESERVED_TAGS.includes(t), { error: '"latest" is reserved: releases/latest always means the newest release' })
  .refine((t) => !t.endsWith('/reactions'), { error: 'must not end in "/reactions" (that path is the release\'s reactions)' })
  .meta({ description: 'The git tag. May contain slashes and @ (e.g. `@acme/ui@2.0.0`, `release/2026-01`).', example: 'v2.3.0' });

export const Author = z
  .object({
    login: z.string().min(1).max(100).meta({ example: 'octocat' }),
    avatarUrl: z.url().nullable().meta({ example: 'https://avatars.githubusercontent.com/u/583231?v=4' }),
    url: z.url().nullable().meta({ example: 'https://github.com/octocat' }),
  })
  .meta({ id: 'Author' });

export const Reactions = z
  .object(
    Object.fromEntries([...reactionContents.map((c) => [c, z.number().int()]), ['total', z.number().int()]]) as Record<(typeof reactionContents)[number] | 'total', z.ZodNumber>,
  )
  .meta({ id: 'Reactions', description: 'Reaction counts.' });

export const ReactionInput = z.strictObject({ content: z.enum(reactionContents) }).meta({ id: 'ReactionInput', example: { content: 'rocket' } });

const id = z.number().int().meta({ example: 42 });
const projectName = z.string().meta({ description: '`owner/repo`', example: 'acme/rocket' });
const name = z.string().nullable().meta({ example: 'v2.3.0 — Faster cold starts' });
const url = z.url().nullable().meta({ description: 'The release on GitHub.', example: 'https://github.com/acme/rocket/releases/tag/v2.3.0' });

export const ReleaseBrief = z.object({ id, project: projectName, tag: Tag, name, publishedAt: Timestamp.nullable(), prerelease: z.boolean(), url }).meta({ id: 'ReleaseBrief' });

const releaseCommon = {
  id,
  project: projectName,
  tag: Tag,
  name,
  url,
  publishedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  prerelease: z.boolean(),
  draft: z.boolean(),
  hidden: z.boolean(),
  source: z.enum(releaseSources),
  author: Author.nullable(),
  reactions: Reactions,
};

export const Notes = z.object({ markdown: z.string(), html: z.string().meta({ description: 'Sanitized HTML rendered from the markdown.' }) }).meta({ id: 'Notes' });

export const ReleaseV1 = z.object({ ...releaseCommon, body: z.string().meta({ description: 'Markdown notes.' }) }).meta({ id: 'ReleaseV1' });
export const ReleaseV2 = z.object({ ...releaseCommon, notes: Notes }).meta({ id: 'ReleaseV2' });

/** Field names `fields=` accepts: the members of the representation being returned. */
export const RELEASE_FIELDS = {
  '1': Object.keys(ReleaseV1.shape),
  '2': Object.keys(ReleaseV2.shape),
} as const;

export function releaseFieldsFor(version: '1' | '2', representation: 'full' | 'brief' | 'extended'): string[] {
  if (representation === 'brief') return Object.keys(ReleaseBrief.shape);
  if (representation === 'extended') return [...RELEASE_FIELDS[version], ...(version === '1' ? ['bodyHtml'] : []), 'previous', 'next'];
  return [...RELEASE_FIELDS[version]];
}

// --- input ---------------------------------------------------------------------------------------

const AuthorInput = z.strictObject({
  login: z.string().min(1).max(100),
  avatarUrl: WebUrl.nullable(),
  url: WebUrl.nullable(),
});

const writable = {
  tag: Tag,
  name: z.string().max(RELEASE_NAME_MAX).nullable(),
  url: WebUrl.nullable(),
  publishedAt: Timestamp.nullable().meta({ description: 'Null for a draft; a published release without one gets the current time.' }),
  prerelease: z.boolean(),
  draft: z.boolean(),
  hidden: z.boolean(),
  author: AuthorInput.nullable(),
};

const body = z.string().max(RELEASE_BODY_MAX).meta({ description: 'Markdown notes (GitHub-flavoured).' });

/** PUT: the whole resource, every writable field required. */
export const ReleasePutV1 = z.strictObject({ ...writable, body }).meta({ id: 'ReleasePutV1' });
export const ReleasePutV2 = z.strictObject({ ...writable, notes: z.strictObject({ markdown: body }) }).meta({ id: 'ReleasePutV2' });

/** POST: `tag` required; everything else defaults (not a draft, published now, not hidden). */
export const ReleaseCreateV1 = ReleasePutV1.partial().required({ tag: true }).meta({ id: 'ReleaseCreateV1' });
export const ReleaseCreateV2 = ReleasePutV2.partial().required({ tag: true }).meta({ id: 'ReleaseCreateV2' });

/**
 * v1 members a v2 release write may still carry out of habit, and what v2 takes instead: the detail of
 * the 422 for each (by JSON Pointer), instead of a bare "is not a known field".
 */
export const RELEASE_V2_UNKNOWN_HINTS: Readonly<Record<string, string>> = {
  '/body': 'is the v1 name of the notes; v2 takes the Markdown as notes.markdown: {"notes":{"markdown":"…"}}',
  '/bodyHtml': 'is v1 output; v2 reads the rendered notes from notes.html and takes Markdown as notes.markdown',
};

/** PATCH with `application/merge-patch+json`: what the document shows (the patch is applied to the PUT document, then validated as one). */
export const ReleaseMergePatchV1 = ReleasePutV1.partial().meta({
  id: 'ReleaseMergePatchV1',
  description: 'JSON Merge Patch (RFC 7396) of the PUT document: members left out stay as they are; `null` clears a nullable member.',
  example: { hidden: true },
});
export const ReleaseMergePatchV2 = ReleasePutV2.partial().meta({
  id: 'ReleaseMergePatchV2',
  description: 'JSON Merge Patch (RFC 7396) of the PUT document: members left out stay as they are; `null` clears a nullable member.',
  example: { notes: { markdown: '## Fixed\n- Typo in the changelog' } },
});

/** What POST …/reactions answers. */
export const ReactionAdded = z
  .object({ content: ReactionInput.shape.content, reactions: Reactions })
  .meta({ id: 'ReactionAdded', description: "The reaction added and the release's reaction counts after it." });

/** Bulk PATCH on a filtered collection: one change applied to every match. */
export const ReleaseBulkChange = z
  .strictObject({ hidden: z.boolean().optional(), prerelease: z.boolean().optional() })
  .refine((v) => v.hidden !== undefined || v.prerelease !== undefined, { error: 'name at least one of hidden, prerelease' })
  .meta({ id: 'ReleaseBulkChange', example: { hidden: true } });

export const BulkResult = z
  .object({ matched: z.number().int(), changed: z.number().int() })
  .meta({ id: 'BulkResult', description: 'How many releases matched the filters and how many actually changed.' });

/** The internal, version-independent write: what every input is normalised to. */
export interface ReleaseWrite {
  tag: string;
  name: string | null;
  body: string;
  url: string | null;
  publishedAt: Date | null;
  prerelease: boolean;
  draft: boolean;
  hidden: boolean;
  author: { login: string; avatarUrl: string | null; url: string | null } | null;
}

export type ReleaseV1 = z.infer<typeof ReleaseV1>;
export type ReleaseV2 = z.infer<typeof ReleaseV2>;
export type ReleaseBrief = z.infer<typeof ReleaseBrief>;
