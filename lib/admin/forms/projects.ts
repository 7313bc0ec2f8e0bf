import { randomBytes } from 'node:crypto';
import { getDb } from '../../db';
import { write } from '../../db/write';
import { ApiError } from '../../http/errors';
import { validateBody } from '../../http/validate';
import { writableProject } from '../../projects/present';
import { createProject, requireProject, updateProject } from '../../projects/repo';
import { ProjectCreate } from '../../projects/schema';
import { field, formHandler } from '../form-endpoint';
import { projectAdminPath, splitFullName } from '../paths';

/** A webhook secret for GitHub's settings: `whsec_` + 32 random url-safe characters. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** `owner/repo`, also as a GitHub URL (`https://github.com/owner/repo(.git)`). */
export function parseRepository(value: string): { owner: string; repo: string } {
  const cleaned = value
    .trim()
    .replace(/^https?:\/\/github\.com\//i, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
  const parts = cleaned.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw ApiError.validation('The repository must be written owner/repo, e.g. acme/rocket.', [{ pointer: '/repository', detail: 'must be owner/repo' }]);
  }
  return { owner: parts[0], repo: parts[1] };
}

/** POST /api/admin/projects: add a project (owner/repo, name, webhook secret), then show the GitHub setup. */
export const addProjectForm = formHandler({
  scope: 'write',
  back: () => '/admin',
  fields: { '/owner': 'repository', '/repo': 'repository' },
  async handle({ form }) {
    const { owner, repo } = parseRepository(field(form, 'repository'));
    const input = validateBody(ProjectCreate, {
      owner,
      repo,
      ...(field(form, 'name').trim() ? { name: field(form, 'name').trim() } : {}),
      webhookSecret: field(form, 'webhookSecret').trim() || null,
    });
    const created = await write((tx) =>
      createProject(tx, { owner: input.owner, repo: input.repo, name: input.name ?? input.repo, description: null, homepage: null, webhookSecret: input.webhookSecret ?? null }),
    );
    const name = `${created.owner}/${created.repo}`;
    return {
      to: projectAdminPath(created),
      flash: {
        kind: 'success',
        message: `Added ${name}. Now connect it to GitHub with the settings below.`,
        data: { setup: name },
      },
    };
  },
});

/** POST /api/admin/webhook-secret: a new webhook secret for a project, shown once. */
export const rotateSecretForm = formHandler({
  scope: 'write',
  back: (form) => {
    const p = splitFullName(field(form, 'project'));
    return p ? projectAdminPath(p) : '/admin';
  },
  async handle({ form }) {
    const p = splitFullName(field(form, 'project'));
    if (!p) throw ApiError.notFound(`There is no project ${field(form, 'project')}.`);
    const updated = await write(async (tx) => {
      const current = await requireProject(tx, p.owner, p.repo, { seeAll: true, forUpdate: true });
      return updateProject(tx, current, {
        ...(writableProject(current) as { owner: string; repo: string; name: string; description: string | null; homepage: string | null }),
        webhookSecret: newWebhookSecret(),
      });
    });
    const name = `${updated.owner}/${updated.repo}`;
    return {
      to: projectAdminPath(updated),
      flash: {
        kind: 'success',
        message: `New webhook secret for ${name}. Paste it into GitHub's webhook settings now: deliveries signed with the old one are refused from here on.`,
        data: { setup: name },
      },
    };
  },
});

/** The project's secret, read only to show it right after it was set. */
export async function webhookSecretOf(owner: string, repo: string): Promise<string | null> {
  return (await requireProject(await getDb(), owner, repo, { seeAll: true })).webhookSecret;
}
