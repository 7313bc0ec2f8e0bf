import type { IncomingMessage } from 'node:http';
import { desc, eq, sql } from 'drizzle-orm';
import { getDb, rows } from '../db';
import { imports, projects, type ImportRow } from '../db/schema';
import { DeliveryFilters, findDelivery, queryDeliveries, type DeliveryView } from '../github/delivery-log';
import { presentImport } from '../github/import-operations';
import { cachedCount } from '../http/cache';
import { resourceEtag } from '../http/conditional';
import { config } from '../config';
import { listRefusals, type Refusal } from '../github/refusals';
import { publicOrigin } from '../http/origin';
import { MarkdownLimitError, renderContextOf, renderMarkdown, type RenderContext } from '../markdown';
import { findProject } from '../projects/repo';
import { releaseFull } from '../releases/present';
import { findRelease, listReleases, type ReleaseRecord } from '../releases/repo';
import { isPublicRelease, publicReleaseSql, releasesR } from '../releases/visibility';
import { listTokenRows, presentToken, type TokenView } from '../tokens/repo';
import { checked, field, type FormValues } from './form-values';
import type { FlashMessage } from './flash';
import { newWebhookSecret } from './forms/projects';
import { releasePagePath } from '../site/paths';

/**
 * What the console's pages show, read through lib/ (never over HTTP). Everything returned is plain
 * JSON (dates as ISO strings) for getServerSideProps.
 */

const iso = (d: Date | string | null | undefined) => (d ? (d instanceof Date ? d : new Date(d)).toISOString() : null);

/** Where GitHub should send deliveries, and whether that address is one GitHub can reach. */
export interface PayloadUrl {
  payloadUrl: string;
  /** From SHIPLOG_PUBLIC_URL; otherwise built from the address the console was opened at. */
  payloadUrlConfigured: boolean;
  /** A loopback or private address (localhost, 127.x, 10.x, 192.168.x, …): GitHub cannot reach it. */
  payloadUrlLocal: boolean;
  /** The server has a GITHUB_WEBHOOK_SECRET (projects without their own secret use it). */
  globalSecret: boolean;
}

function payloadUrlOf(req: IncomingMessage): PayloadUrl {
  const origin = publicOrigin(req);
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  const local =
    /^(localhost|.*\.localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1?|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|f[cd][0-9a-f]{2}:.*|fe80:.*)$/i.test(host);
  const cfg = config();
  return { payloadUrl: `${origin}/api/webhooks/github`, payloadUrlConfigured: !!cfg.SHIPLOG_PUBLIC_URL, payloadUrlLocal: local, globalSecret: !!cfg.GITHUB_WEBHOOK_SECRET };
}

export interface WebhookSetup extends PayloadUrl {
  contentType: 'application/json';
  /** Shown only right after it was set (a new project, a new secret); else null. */
  secret: string | null;
  hasSecret: boolean;
  /** GitHub's page for adding a webhook to the repository. */
  settingsUrl: string;
}

export function webhookSetup(req: IncomingMessage, p: { owner: string; repo: string; webhookSecret: string | null }, { reveal }: { reveal: boolean }): WebhookSetup {
  return {
    ...payloadUrlOf(req),
    contentType: 'application/json',
    secret: reveal ? p.webhookSecret : null,
    hasSecret: !!p.webhookSecret,
    settingsUrl: `https://github.com/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}/settings/hooks/new`,
  };
}

// --- dashboard -----------------------------------------------------------------------------------

export interface LastDelivery {
  id: number;
  receivedAt: string;
  status: string;
  event: string;
  action: string | null;
}

export interface DashboardProject {
  owner: string;
  repo: string;
  fullName: string;
  name: string;
  releases: number;
  published: number;
  drafts: number;
  hidden: number;
  hasSecret: boolean;
  lastDelivery: LastDelivery | null;
}

export interface DashboardData extends PayloadUrl {
  projects: DashboardProject[];
  failedDeliveries: number;
  /** A fresh secret for the "add project" form. */
  newSecret: string;
}

export async function loadDashboard(req: IncomingMessage): Promise<DashboardData> {
  const db = await getDb();
  const list = await rows<{
    owner: string;
    repo: string;
    name: string;
    has_secret: boolean;
    releases: number;
    published: number;
    drafts: number;
    hidden: number;
    delivery_id: number | null;
    received_at: Date | string | null;
    status: string | null;
    event: string | null;
    action: string | null;
  }>(
    db,
    sql`select p.owner, p.repo, p.name, p.webhook_secret is not null as has_secret,
          c.releases, c.published, c.drafts, c.hidden,
          d.id as delivery_id, d.received_at, d.status, d.event, d.action
        from projects p
        cross join lateral (
          select count(*)::int as releases,
                 count(*) filter (where ${publicReleaseSql(releasesR)})::int as published,
                 count(*) filter (where r.draft)::int as drafts,
                 count(*) filter (where r.hidden)::int as hidden
          from releases r where r.project_id = p.id
        ) c
        left join lateral (
          select w.id, w.received_at, w.status, w.event, w.action from webhook_deliveries w
          where w.project_id = p.id order by w.received_at desc, w.id desc limit 1
        ) d on true
        order by lower(p.owner), lower(p.repo)`,
  );
  const [failed] = await rows<{ n: number }>(db, sql`select count(*)::int as n from webhook_deliveries where status = 'failed' and received_at > now() - interval '1 day'`);
  return {
    projects: list.map((p) => ({
      owner: p.owner,
      repo: p.repo,
      fullName: `${p.owner}/${p.repo}`,
      name: p.name,
      releases: Number(p.releases),
      published: Number(p.published),
      drafts: Number(p.drafts),
      hidden: Number(p.hidden),
      hasSecret: !!p.has_secret,
      lastDelivery: p.delivery_id !== null ? { id: Number(p.delivery_id), receivedAt: iso(p.received_at)!, status: p.status ?? '', event: p.event ?? '', action: p.action } : null,
    })),
    failedDeliveries: Number(failed?.n ?? 0),
    newSecret: newWebhookSecret(),
    ...payloadUrlOf(req),
  };
}

// --- one project ---------------------------------------------------------------------------------

export interface AdminRelease {
  tag: string;
  name: string | null;
  publishedAt: string | null;
  createdAt: string;
  prerelease: boolean;
  draft: boolean;
  hidden: boolean;
  /** Whether readers see it (the one rule, lib/releases/visibility.ts). */
  public: boolean;
  source: string;
  /** For If-Match: the release at the version shown. */
  etag: string;
}

export function releaseEtag(r: ReleaseRecord): string {
  return resourceEtag({ kind: 'rel', id: r.id, version: r.version }, JSON.stringify(releaseFull(r, '2')));
}

function adminRelease(r: ReleaseRecord): AdminRelease {
  return {
    tag: r.tag,
    name: r.name,
    publishedAt: iso(r.publishedAt),
    createdAt: iso(r.createdAt)!,
    prerelease: r.prerelease,
    draft: r.draft,
    hidden: r.hidden,
    public: isPublicRelease(r),
    source: r.source,
    etag: releaseEtag(r),
  };
}

export interface ImportView {
  id: number;
  project: string;
  state: ImportRow['state'];
  pagesDone: number;
  pagesTotal: number | null;
  created: number;
  updated: number;
  skipped: number;
  errors: string[];
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
}

function importView(r: ImportRow, project: { owner: string; repo: string }): ImportView {
  const v = presentImport(r, project);
  return {
    id: v.id,
    project: v.project,
    state: v.state,
    pagesDone: v.pagesDone,
    pagesTotal: v.pagesTotal,
    created: v.created,
    updated: v.updated,
    skipped: v.skipped,
    errors: v.errors,
    message: v.message,
    createdAt: v.createdAt,
    finishedAt: v.finishedAt,
  };
}

export interface ProjectAdminData {
  project: { owner: string; repo: string; fullName: string; name: string; description: string | null; homepage: string | null; createdAt: string };
  releases: AdminRelease[];
  total: number;
  offset: number;
  limit: number;
  webhook: WebhookSetup;
  deliveries: DeliveryView[];
  imports: ImportView[];
}

export const PROJECT_PAGE_SIZE = 50;

export async function loadProjectAdmin(req: IncomingMessage, owner: string, repo: string, offset: number, flash: FlashMessage | null): Promise<ProjectAdminData | undefined> {
  const db = await getDb();
  const project = await findProject(db, owner, repo, { seeAll: true });
  if (!project) return undefined;
  const fullName = `${project.owner}/${project.repo}`;
  const page = await listReleases(db, {
    projectId: project.id,
    filters: {},
    seeAll: true,
    sort: [{ key: 'publishedAt', dir: 'desc' }],
    offset,
    limit: PROJECT_PAGE_SIZE,
    count: true,
    countCache: cachedCount,
  });
  const deliveries = await queryDeliveries(db, { filters: { project: fullName }, sort: [{ key: 'receivedAt', dir: 'desc' }], offset: 0, limit: 5, count: false });
  const recentImports = await db.select().from(imports).where(eq(imports.projectId, project.id)).orderBy(desc(imports.id)).limit(3);
  return {
    project: {
      owner: project.owner,
      repo: project.repo,
      fullName,
      name: project.name,
      description: project.description,
      homepage: project.homepage,
      createdAt: iso(project.createdAt)!,
    },
    releases: page.items.map(adminRelease),
    total: page.total ?? page.items.length,
    offset,
    limit: PROJECT_PAGE_SIZE,
    webhook: webhookSetup(req, project, { reveal: flash?.data?.setup?.toLowerCase() === fullName.toLowerCase() }),
    deliveries: deliveries.items,
    imports: recentImports.map((r) => importView(r, project)),
  };
}

export async function releaseExists(p: { owner: string; repo: string }, tag: string): Promise<boolean> {
  const db = await getDb();
  const project = await findProject(db, p.owner, p.repo, { seeAll: true });
  return !!project && !!(await findRelease(db, project.id, tag, { seeAll: true }));
}

// --- the release editor --------------------------------------------------------------------------

export interface EditorValues {
  tag: string;
  name: string;
  url: string;
  /** `YYYY-MM-DDTHH:MM:SS` in UTC, for a datetime-local input; '' for none. */
  publishedAt: string;
  prerelease: boolean;
  draft: boolean;
  hidden: boolean;
  body: string;
}

export interface EditorData {
  project: { owner: string; repo: string; fullName: string; name: string };
  /** The tag being edited ('' for a new release). */
  originalTag: string;
  /** The release as stored (null for a new one, or when it no longer exists). */
  release:
    | (AdminRelease & { url: string | null; authorDetail: { login: string; avatarUrl: string | null; url: string | null } | null; updatedAt: string; readerPath: string | null })
    | null;
  /** Edit of a tag that does not exist (deleted meanwhile). */
  missing: boolean;
  values: EditorValues;
  etag: string | null;
  previewHtml: string;
  /** The values came back from a form post (a problem, or a preview), not from the database. */
  fromForm: boolean;
}

const localValue = (d: Date | null) => (d ? d.toISOString().slice(0, 19) : '');

function valuesFromForm(form: FormValues): EditorValues {
  const on = (name: string) => checked(form, name);
  return {
    tag: field(form, 'tag'),
    name: field(form, 'name'),
    url: field(form, 'url'),
    publishedAt: field(form, 'publishedAt'),
    prerelease: on('prerelease'),
    draft: on('draft'),
    hidden: on('hidden'),
    body: field(form, 'body').replace(/\r\n?/g, '\n'),
  };
}

export async function loadEditor(owner: string, repo: string, tag: string, flash: FlashMessage | null): Promise<EditorData | undefined> {
  const db = await getDb();
  const project = await findProject(db, owner, repo, { seeAll: true });
  if (!project) return undefined;
  const record = tag ? await findRelease(db, project.id, tag, { seeAll: true }) : undefined;
  const form = flash?.form && field(flash.form, 'originalTag') === tag ? flash.form : undefined;
  const values: EditorValues = form
    ? valuesFromForm(form)
    : record
      ? {
          tag: record.tag,
          name: record.name ?? '',
          url: record.htmlUrl ?? '',
          publishedAt: localValue(record.publishedAt),
          prerelease: record.prerelease,
          draft: record.draft,
          hidden: record.hidden,
          body: record.body,
        }
      : { tag: '', name: '', url: '', publishedAt: '', prerelease: false, draft: false, hidden: false, body: '' };
  const formEtag = form ? field(form, 'etag') : '';
  return {
    project: { owner: project.owner, repo: project.repo, fullName: `${project.owner}/${project.repo}`, name: project.name },
    originalTag: tag,
    release: record
      ? {
          ...adminRelease(record),
          url: record.htmlUrl,
          authorDetail: record.authorLogin ? { login: record.authorLogin, avatarUrl: record.authorAvatarUrl, url: record.authorUrl } : null,
          updatedAt: iso(record.updatedAt)!,
          readerPath: isPublicRelease(record) ? releasePagePath(project.owner, project.repo, record.tag) : null,
        }
      : null,
    missing: !!tag && !record,
    values,
    // After a conflict the form keeps the version it was opened at: saving again cannot overwrite.
    etag: record ? formEtag || releaseEtag(record) : null,
    previewHtml: form || !record ? await previewHtml(values.body, renderContextOf(project)) : record.bodyHtml,
    fromForm: !!form,
  };
}

/** The editor's preview of notes not yet saved: a body the renderer refuses says why instead. */
async function previewHtml(markdown: string, context: RenderContext): Promise<string> {
  try {
    return await renderMarkdown(markdown, context);
  } catch (err) {
    if (!(err instanceof MarkdownLimitError)) throw err;
    return `<p class="preview-refused"><strong>No preview:</strong> these notes ${err.message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}.</p>`;
  }
}

// --- deliveries ----------------------------------------------------------------------------------

export const DELIVERY_PAGE_SIZE = 25;

export interface DeliveriesData {
  filters: { event: string; action: string; status: string; project: string };
  /** Filters that were not understood (ignored). */
  invalid: string[];
  items: DeliveryView[];
  total: number;
  offset: number;
  limit: number;
  projects: string[];
  /** Deliveries refused unverified (bad or missing signature), newest first: lib/github/refusals. */
  refusals: Refusal[];
}

export async function loadDeliveries(query: Record<string, string>): Promise<DeliveriesData> {
  const db = await getDb();
  const raw = { event: query.event ?? '', action: query.action ?? '', status: query.status ?? '', project: query.project ?? '' };
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const invalid: string[] = [];
  const filters: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) {
    const parsed = DeliveryFilters.pick({ [k]: true } as never).safeParse({ [k]: v });
    if (parsed.success) Object.assign(filters, parsed.data);
    else invalid.push(k);
  }
  const offset = /^\d{1,6}$/.test(query.offset ?? '') ? Number(query.offset) : 0;
  const page = await queryDeliveries(db, { filters, sort: [{ key: 'receivedAt', dir: 'desc' }], offset, limit: DELIVERY_PAGE_SIZE, count: true });
  const names = await db
    .select({ owner: projects.owner, repo: projects.repo })
    .from(projects)
    .orderBy(sql`lower(${projects.owner})`, sql`lower(${projects.repo})`);
  const refusals = await listRefusals(db);
  return { filters: raw, invalid, items: page.items, total: page.total ?? 0, offset, limit: DELIVERY_PAGE_SIZE, projects: names.map((p) => `${p.owner}/${p.repo}`), refusals };
}

export interface DeliveryDetail extends Omit<DeliveryView, 'payload'> {
  payloadJson: string;
}

export async function loadDelivery(id: number): Promise<DeliveryDetail | undefined> {
  const d = await findDelivery(await getDb(), id);
  if (!d) return undefined;
  const { payload, ...rest } = d;
  return { ...rest, payloadJson: JSON.stringify(payload, null, 2) };
}

// --- imports -------------------------------------------------------------------------------------

export interface ImportsData {
  projects: string[];
  selected: string;
  /** The import to watch (from ?import=, or the selected project's latest). */
  current: ImportView | null;
  recent: ImportView[];
  githubApi: string;
}

export async function loadImports(project: string, importId: number | undefined): Promise<ImportsData> {
  const db = await getDb();
  const names = (
    await db
      .select({ owner: projects.owner, repo: projects.repo })
      .from(projects)
      .orderBy(sql`lower(${projects.owner})`, sql`lower(${projects.repo})`)
  ).map((p) => `${p.owner}/${p.repo}`);
  const recentRows = await db
    .select({ row: imports, owner: projects.owner, repo: projects.repo })
    .from(imports)
    .innerJoin(projects, eq(projects.id, imports.projectId))
    .orderBy(desc(imports.id))
    .limit(20);
  const recent = recentRows.map((r) => importView(r.row, r));
  const selected = names.find((n) => n.toLowerCase() === project.toLowerCase()) ?? '';
  let current: ImportView | null = null;
  if (importId !== undefined) {
    const [r] = await db
      .select({ row: imports, owner: projects.owner, repo: projects.repo })
      .from(imports)
      .innerJoin(projects, eq(projects.id, imports.projectId))
      .where(eq(imports.id, importId));
    current = r ? importView(r.row, r) : null;
  } else if (selected) {
    current = recent.find((r) => r.project.toLowerCase() === selected.toLowerCase()) ?? null;
  }
  const { apiUrl } = await import('../github/client');
  return { projects: names, selected: selected || current?.project || '', current, recent, githubApi: apiUrl() };
}

// --- tokens --------------------------------------------------------------------------------------

export async function loadTokens(): Promise<{ tokens: TokenView[] }> {
  return { tokens: (await listTokenRows(await getDb())).map(presentToken) };
}
