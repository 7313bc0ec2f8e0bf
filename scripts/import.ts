// `npm run import -- owner/repo`: backfill a project's releases from the GitHub REST API.
// `npm run import -- owner/repo --changelog CHANGELOG.md [--package NAME] [--tag-format '{package}@{version}'] [--dry-run]`:
// import a CHANGELOG.md instead (lib/changelog); the same file again creates nothing.
// When a Shiplog server answers (SHIPLOG_URL, default http://127.0.0.1:$PORT or 3000) the import runs
// there, through its API (the embedded database serves one process); otherwise it runs here.
process.env.SHIPLOG_ROLE = 'cli';

import { SingleBar, Presets } from 'cli-progress';
import { config } from '../lib/config';

interface ImportView {
  state: string;
  pagesDone: number;
  pagesTotal: number | null;
  created: number;
  updated: number;
  skipped: number;
  message: string | null;
}

const TERMINAL = new Set(['succeeded', 'failed', 'rate_limited']);

function progress() {
  const tty = process.stdout.isTTY;
  const bar = tty
    ? new SingleBar({ format: 'importing |{bar}| page {value}/{total} · {created} new, {updated} updated, {skipped} unchanged', hideCursor: true }, Presets.shades_classic)
    : undefined;
  let started = false;
  let last = '';
  return {
    update(v: ImportView) {
      const total = Math.max(v.pagesTotal ?? v.pagesDone + 1, v.pagesDone, 1);
      const fields = { created: v.created, updated: v.updated, skipped: v.skipped };
      if (bar) {
        if (!started) bar.start(total, v.pagesDone, fields);
        started = true;
        bar.setTotal(total);
        bar.update(v.pagesDone, fields);
      } else {
        const line = `page ${v.pagesDone}/${v.pagesTotal ?? '?'}: ${v.created} new, ${v.updated} updated, ${v.skipped} unchanged`;
        if (line !== last) console.log(line);
        last = line;
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

function finish(v: ImportView): number {
  console.log(`${v.state}: ${v.message ?? ''}`);
  return v.state === 'succeeded' ? 0 : v.state === 'rate_limited' ? 2 : 1;
}

async function viaServer(base: string, owner: string, repo: string): Promise<number> {
  const token = config().SHIPLOG_TOKEN ?? config().SHIPLOG_ADMIN_TOKEN;
  if (!token) {
    console.error(`A Shiplog server is running at ${base}; the import goes through its API. Set SHIPLOG_ADMIN_TOKEN (or SHIPLOG_TOKEN, a token with the write scope).`);
    return 1;
  }
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let createdHere = false;
  // A project this command created and the import filled with nothing (no network, no such repository,
  // the rate limit) is removed again rather than left on the home page empty.
  const undo = async (state: string): Promise<void> => {
    if (!createdHere || state === 'succeeded') return;
    const project = await fetch(`${base}/api/v1/projects/${owner}/${repo}`, { headers });
    if (!project.ok || ((await project.json()) as { releaseCount?: number }).releaseCount !== 0) return;
    const gone = await fetch(`${base}/api/v1/projects/${owner}/${repo}`, { method: 'DELETE', headers: { ...headers, 'if-match': project.headers.get('etag') ?? '*' } });
    if (gone.status === 204) console.log(`removed the project ${owner}/${repo} again: the import brought no releases`);
  };
  let res = await fetch(`${base}/api/v1/projects/${owner}/${repo}/imports`, { method: 'POST', headers });
  if (res.status === 404) {
    const created = await fetch(`${base}/api/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ owner, repo }) });
    if (!created.ok) {
      console.error(`could not create project ${owner}/${repo}: ${((await created.json()) as { detail?: string }).detail}`);
      return 1;
    }
    console.log(`created project ${owner}/${repo}`);
    createdHere = true;
    res = await fetch(`${base}/api/v1/projects/${owner}/${repo}/imports`, { method: 'POST', headers });
  }
  if (res.status !== 202) {
    console.error(`the server refused the import (${res.status}): ${((await res.json()) as { detail?: string }).detail}`);
    return 1;
  }
  const location = res.headers.get('location')!;
  console.log(`import running on ${base} (${location})`);
  const bar = progress();
  for (;;) {
    const view = (await (await fetch(`${base}${location}`, { headers })).json()) as ImportView;
    bar.update(view);
    if (TERMINAL.has(view.state)) {
      bar.stop();
      const code = finish(view);
      await undo(view.state);
      return code;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function inProcess(owner: string, repo: string): Promise<number> {
  const { closeDb, getDb } = await import('../lib/db');
  const { write } = await import('../lib/db/write');
  const { createProject, deleteProject, findProject } = await import('../lib/projects/repo');
  const { startImport } = await import('../lib/github/import-runner');
  try {
    const db = await getDb();
    let project = await findProject(db, owner, repo, { seeAll: true });
    let createdHere = false;
    if (!project) {
      project = await write((tx) => createProject(tx, { owner, repo, name: repo, description: null, homepage: null }));
      console.log(`created project ${owner}/${repo}`);
      createdHere = true;
    }
    const bar = progress();
    const { done, resumed } = await startImport(project, (row) => bar.update(row));
    if (resumed) console.log('resuming the unfinished import');
    const result = await done;
    bar.stop();
    const code = finish(result);
    if (createdHere && result.state !== 'succeeded') {
      // Nothing fetched: remove the project this command created rather than leave it on the home page empty.
      const removed = await write(async (tx) => {
        const current = await findProject(tx, owner, repo, { seeAll: true, forUpdate: true });
        if (!current || current.releaseCount !== 0) return false;
        await deleteProject(tx, current);
        return true;
      });
      if (removed) console.log(`removed the project ${owner}/${repo} again: the import brought no releases`);
    }
    return code;
  } finally {
    await closeDb();
  }
}

interface ChangelogArgs {
  file: string;
  package: string | null;
  tagFormat: string | null;
  dryRun: boolean;
}

interface ChangelogResult {
  dryRun: boolean;
  created: number;
  existing: number;
  releases: { tag: string; date: string | null; action: string; existingTag: string | null }[];
  skipped: string[];
}

function reportChangelog(r: ChangelogResult): number {
  for (const x of r.releases)
    console.log(
      `${x.action === 'create' ? (r.dryRun ? 'would create' : 'created') : 'exists'.padEnd(r.dryRun ? 12 : 7)} ${x.tag}${x.date ? ` (${x.date})` : ''}${x.existingTag && x.existingTag !== x.tag ? ` as ${x.existingTag}` : ''}`,
    );
  for (const s of r.skipped) console.log(`skipped: ${s}`);
  console.log(`${r.dryRun ? 'dry run: would create' : 'created'} ${r.created} release(s); ${r.existing} already there`);
  return 0;
}

/** A CHANGELOG.md through the server's API (it holds the embedded database), or here when no server answers. */
async function changelog(base: string, up: boolean, owner: string, repo: string, a: ChangelogArgs): Promise<number> {
  const fs = await import('node:fs');
  const text = fs.readFileSync(a.file, 'utf8');
  if (up) {
    const token = config().SHIPLOG_TOKEN ?? config().SHIPLOG_ADMIN_TOKEN;
    if (!token) {
      console.error(`A Shiplog server is running at ${base}; the import goes through its API. Set SHIPLOG_ADMIN_TOKEN (or SHIPLOG_TOKEN, a token with the write scope).`);
      return 1;
    }
    const res = await fetch(`${base}/api/v2/projects/${owner}/${repo}/changelog-imports${a.dryRun ? '?dry_run=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changelog: text, ...(a.package ? { package: a.package } : {}), ...(a.tagFormat ? { tagFormat: a.tagFormat } : {}) }),
    });
    const body = (await res.json()) as ChangelogResult & { detail?: string; errors?: { detail: string; pointer?: string }[] };
    if (!res.ok) {
      console.error(
        `the server refused the import (${res.status}): ${body.detail}${body.errors?.length ? ` (${body.errors.map((e) => `${e.pointer ?? ''} ${e.detail}`).join('; ')})` : ''}`,
      );
      return 1;
    }
    return reportChangelog(body);
  }
  const { closeDb } = await import('../lib/db');
  const { importChangelog } = await import('../lib/changelog/import');
  try {
    const result = await importChangelog({ owner, repo }, text, {
      package: a.package,
      tagFormat: a.tagFormat,
      dryRun: a.dryRun,
      principal: { kind: 'bootstrap', tokenId: null, name: 'npm run import', scopes: ['write'] },
    });
    return reportChangelog(result);
  } finally {
    await closeDb();
  }
}

function flag(args: string[], name: string): string | null {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? null) : null;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const arg = args.find((a) => !a.startsWith('--') && /\//.test(a) && !args[args.indexOf(a) - 1]?.startsWith('--')) ?? '';
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(arg);
  const file = flag(args, '--changelog');
  if (!m || (args.includes('--changelog') && !file)) {
    console.error('usage: npm run import -- owner/repo [--changelog CHANGELOG.md [--package NAME] [--tag-format FORMAT] [--dry-run]]');
    return 2;
  }
  const base = (config().SHIPLOG_URL ?? `http://127.0.0.1:${config().PORT}`).replace(/\/$/, '');
  const up = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(1_500) }).then(
    (r) => r.ok,
    () => false,
  );
  if (file) return changelog(base, up, m[1]!, m[2]!, { file, package: flag(args, '--package'), tagFormat: flag(args, '--tag-format'), dryRun: args.includes('--dry-run') });
  if (up) return viaServer(base, m[1]!, m[2]!);
  if (!config().GITHUB_TOKEN) {
    console.error(
      'warning: GITHUB_TOKEN is not set: GitHub allows 60 API requests an hour without one (5,000 with one), so a large import stops at the rate limit.\n' +
        '  Set one (no scopes needed for public repositories): GITHUB_TOKEN=github_pat_… npm run import -- owner/repo',
    );
  }
  return inProcess(m[1]!, m[2]!);
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  },
);
