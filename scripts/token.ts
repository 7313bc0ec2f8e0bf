// `npm run token -- create --name ci --scopes write[,admin]`: creates an API token and prints its secret
// once (only its SHA-256 is stored). On PostgreSQL it writes to the database directly, running server or
// not. On the embedded database (PGlite, one process) it never opens a directory a running server owns:
// when a server answers (SHIPLOG_URL, default http://127.0.0.1:$PORT) it goes through that server's API
// with SHIPLOG_TOKEN or SHIPLOG_ADMIN_TOKEN, and without one it says what to do instead.
process.env.SHIPLOG_ROLE = 'cli';

import { parseArgs } from 'node:util';
import { config } from '../lib/config';
import { tokenScopes } from '../lib/db/schema';
import type { z } from 'zod';
import { TokenCreate } from '../lib/tokens/schema';

type Input = z.infer<typeof TokenCreate>;

const USAGE = `usage: npm run token -- create --name <name> --scopes <${tokenScopes.join('|')}>[,…]
  e.g. npm run token -- create --name ci --scopes write`;

interface Created {
  id: number;
  name: string;
  scopes: string[];
  token: string;
}

function show(created: Created, where: string): void {
  console.error(`created token ${created.id} "${created.name}" (scopes: ${created.scopes.join(', ')}) on ${where}`);
  console.error('the secret below is shown this once: store it now (send it as `Authorization: Bearer <token>`, or sign in to /admin with it)');
  console.log(created.token);
}

async function viaServer(base: string, input: Input): Promise<number> {
  const bearer = config().SHIPLOG_TOKEN ?? config().SHIPLOG_ADMIN_TOKEN;
  if (!bearer) {
    console.error(
      `A Shiplog server is running at ${base} and owns the embedded database, so this command cannot open it.\n` +
        `Create the token in the console (${base}/admin/tokens), or run this again with an admin token: SHIPLOG_TOKEN=shp_… npm run token -- create …,\n` +
        'or stop the server first.',
    );
    return 1;
  }
  const res = await fetch(`${base}/api/v2/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<Created> & { detail?: string };
  if (res.status !== 201) {
    console.error(`the server at ${base} refused (${res.status}): ${body.detail ?? res.statusText}`);
    return 1;
  }
  show(body as Created, base);
  return 0;
}

async function inProcess(input: Input): Promise<number> {
  const { closeDb, currentEngine } = await import('../lib/db');
  const { write } = await import('../lib/db/write');
  const { createToken } = await import('../lib/tokens/repo');
  try {
    const { row, secret } = await write((tx) => createToken(tx, input));
    const where = currentEngine() === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite (${config().SHIPLOG_DATA_DIR})`;
    show({ id: row.id, name: row.name, scopes: row.scopes, token: secret }, where);
    return 0;
  } finally {
    await closeDb();
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { name: { type: 'string' }, scopes: { type: 'string' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.positionals[0] !== 'create' || parsed.positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const input = TokenCreate.safeParse({
    name: parsed.values.name ?? '',
    scopes: (parsed.values.scopes ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  if (!input.success) {
    for (const issue of input.error.issues) console.error(`--${String(issue.path[0])}: ${issue.message}`);
    console.error(USAGE);
    return 2;
  }
  if (config().engine === 'postgres') return inProcess(input.data);
  const base = (config().SHIPLOG_URL ?? `http://127.0.0.1:${config().PORT}`).replace(/\/$/, '');
  const up = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(1_500) }).then(
    (r) => r.status < 500 || r.headers.get('content-type')?.includes('json') === true,
    () => false,
  );
  return up ? viaServer(base, input.data) : inProcess(input.data);
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  },
);
