// `npm run bench` — Shiplog's benchmarks. Builds once, starts its own servers and databases, and
// writes bench/RESULTS.md: machine, date, versions, every figure with its ratio against baselines
// measured in the same run, and each target met or not.
//
//   npm run bench                      every suite, full length (about 15 minutes)
//   npm run bench -- --quick           short runs and smaller data, for development (noisy, not for the record)
//   npm run bench -- --only api,fanout suites: api, publish, fanout, export, webhooks, instances, weight
//   npm run bench -- --engines pglite  pglite, postgres (default both; PostgreSQL is skipped if unreachable)
//   npm run bench -- --out FILE        write somewhere else (quick runs default to bench/.tmp/RESULTS-quick.md)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiSuite } from './suites/api';
import { exportSuite } from './suites/export';
import { fanoutSuite } from './suites/fanout';
import { instancesSuite } from './suites/instances';
import { publishSuite } from './suites/publish';
import { webhooksSuite } from './suites/webhooks';
import { weightSuite } from './suites/weight';
import { renderTable, type Section, type SuiteContext } from './lib/report';
import { build, gitRevision, postgresAdminUrl, postgresVersion, TMP } from './lib/servers';

const SUITES: Record<string, (ctx: SuiteContext) => Promise<Section>> = {
  api: apiSuite,
  publish: publishSuite,
  fanout: fanoutSuite,
  export: exportSuite,
  webhooks: webhooksSuite,
  instances: instancesSuite,
  weight: weightSuite,
};

function args(argv: string[]) {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const only =
    value('--only')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? Object.keys(SUITES);
  const unknown = only.filter((s) => !SUITES[s]);
  if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  const engines = (value('--engines')?.split(',') ?? ['pglite', 'postgres']) as SuiteContext['engines'];
  const out = value('--out') ?? path.join(__dirname, quick ? '.tmp/RESULTS-quick.md' : 'RESULTS.md');
  return { quick, only, engines, out };
}

function version(pkg: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

const fmtLoad = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const opts = args(process.argv.slice(2));
  const log = (m: string) => console.log(m);
  fs.mkdirSync(TMP, { recursive: true });
  const started = new Date();
  const loadBefore = fmtLoad();
  const pg = opts.engines.includes('postgres') ? await postgresVersion() : undefined;
  const engines = opts.engines.filter((e) => e !== 'postgres' || pg);
  if (opts.engines.includes('postgres') && !pg) log(`PostgreSQL at ${postgresAdminUrl().replace(/\/\/[^@]*@/, '//…@')} is not reachable: PostgreSQL figures are skipped.`);
  log('Building if the sources changed…');
  const t0 = Date.now();
  log(build() ? `  built in ${Math.round((Date.now() - t0) / 1000)} s` : '  the build is up to date');
  const sections: Section[] = [];
  const failures: string[] = [];
  for (const name of opts.only) {
    log(`\n== ${name}`);
    const t0 = Date.now();
    try {
      sections.push(await SUITES[name]!({ quick: opts.quick, engines, log }));
    } catch (err) {
      failures.push(`${name}: ${(err as Error).stack ?? err}`);
      console.error(`suite ${name} failed: ${(err as Error).stack ?? err}`);
    }
    log(`   (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  const cpus = os.cpus();
  const lines: string[] = [];
  lines.push('# Shiplog benchmarks', '');
  lines.push(`Written by \`npm run bench${opts.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${started.toISOString()}. **Do not edit by hand**: run it again.`, '');
  if (opts.quick) lines.push('> **Quick mode**: short runs and smaller data, for development. These figures are not the record.', '');
  lines.push('## Machine and versions', '');
  lines.push(
    renderTable({
      head: ['', ''],
      rows: [
        ['CPU', `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`],
        ['Memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
        ['OS', `${os.type()} ${os.release()} (${os.arch()})`],
        ['Load average (1/5/15 min) before / after', `${loadBefore} → ${fmtLoad()}`],
        ['Node.js', process.version],
        ['Next.js', version('next')],
        ['PGlite', version('@electric-sql/pglite')],
        ['PostgreSQL', pg ?? 'not measured'],
        ['autocannon', version('autocannon')],
        ['Shiplog commit', gitRevision()],
        ['Duration', `${Math.round((Date.now() - started.getTime()) / 60_000)} min`],
      ],
    }),
    '',
  );
  lines.push(
    'Every server is a production build (`next start`) started by the bench with `SHIPLOG_BENCH=1` and **rate limits off** (`SHIPLOG_RATE_LIMIT_READ=0 SHIPLOG_RATE_LIMIT_WRITE=0`) unless a row says otherwise; load comes from the same machine. ' +
      'Absolute figures move with the machine and whatever else runs on it; the ratios against baselines measured in the same run are what to compare.',
    '',
  );
  const targets = sections.flatMap((s) => s.targets);
  lines.push('## Targets', '');
  lines.push(renderTable({ head: ['Target', 'Measured', 'Met'], rows: targets.map((t) => [t.name, t.measured, t.met ? 'yes' : '**no**']) }), '');
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', s.method, '');
    for (const t of s.tables) lines.push(renderTable(t), '');
    for (const n of s.notes) lines.push(`- ${n}`);
    if (s.notes.length) lines.push('');
  }
  if (failures.length) lines.push('## Suites that failed', '', ...failures.map((f) => `\`\`\`\n${f}\n\`\`\``), '');
  const findings = path.join(__dirname, 'FINDINGS.md');
  if (fs.existsSync(findings)) lines.push(fs.readFileSync(findings, 'utf8').trim(), '');
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, `${lines.join('\n')}\n`);
  log(`\nWrote ${path.relative(process.cwd(), opts.out)}`);
  for (const t of targets) log(`  ${t.met ? 'met ' : 'MISS'} ${t.name}: ${t.measured}`);
  if (failures.length) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
