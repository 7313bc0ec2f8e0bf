// Deterministic demo data shown to a fresh Shiplog install. Everything is generated from
// templates and phrase pools with a seeded PRNG (mulberry32), so repeated calls are deep-equal.

export interface DemoAuthor {
  login: string;
  avatarUrl: string;
  url: string;
}
export interface DemoRelease {
  tag: string;
  name: string | null;
  body: string; // tag unique per project; body is GitHub-flavoured markdown
  publishedAt: Date;
  createdAt: Date;
  prerelease: boolean;
  draft: boolean;
  author: DemoAuthor | null;
  htmlUrl: string;
  githubId: number; // githubId unique across all demo projects
}
export interface DemoProject {
  owner: string;
  repo: string;
  name: string;
  description: string;
  homepage: string | null;
  releases: DemoRelease[];
}

const DEFAULT_NOW = Date.UTC(2026, 10, 1, 12, 0, 0);
const [MIN, HOUR, DAY] = [60_000, 3_600_000, 86_400_000] as const;

function at<T>(arr: readonly T[], i: number): T {
  const v = arr[i];
  if (v === undefined) throw new Error(`demo-data: index ${i} out of range`);
  return v;
}

class Rand {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  float(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error('demo-data: pick from empty array');
    return at(arr, this.int(0, arr.length - 1));
  }
  pickN<T>(arr: readonly T[], n: number): T[] {
    // n distinct elements in random order
    return arr
      .map((v) => ({ v, k: this.float() }))
      .sort((a, b) => a.k - b.k)
      .slice(0, n)
      .map((x) => x.v);
  }
}

const AUTHORS: readonly DemoAuthor[] = (
  [
    ['lena-park', 5829341],
    ['tkowalski', 1294877],
    ['rvasquez', 30412558],
    ['amir-hosseini', 8823190],
    ['noorbakker', 47120963],
    ['chenwei-dev', 21877405],
    ['oliviamarsh', 61540027],
    ['dbrennan', 3390512],
  ] as const
).map(([login, id]) => ({
  login,
  avatarUrl: `https://avatars.githubusercontent.com/u/${id}?v=4`,
  url: `https://github.com/${login}`,
}));
const NEWCOMERS = ['sam-okafor', 'yuki-tanaka', 'pbarros', 'hannah-lind', 'kev-on-k8s', 'ines-marques', 'jonas-ek', 'priya-r'];

type Kind = 'major' | 'minor' | 'patch';
interface Info {
  tag: string;
  label: string;
  pkg: string;
  scope: string;
  ver: string;
  line: string;
  kind: Kind;
  pre: boolean;
  major: number;
}
type Strs = readonly string[]; // pool entries may start with "scope|" to restrict them to one package of a monorepo
interface Pools {
  themes: Strs;
  features: Strs;
  fixes: Strs;
  breaking: Strs;
  checklist: Strs; // themes: "Title::Highlight sentence"
  deprecations: readonly (readonly [string, string])[];
  perf: readonly (readonly [string, string, number])[];
}
interface Spec {
  owner: string;
  repo: string;
  name: string;
  description: string;
  homepage: string | null;
  seed: number;
  prStart: number;
  authors: readonly number[];
  tags: string; // whitespace separated, in version order; the last one is the draft
  info(tag: string): Info;
  upgrade(r: Rand, i: Info): string;
  dates?(r: Rand, infos: readonly Info[], now: number): number[];
  pools: Pools;
}

function semver(tag: string, ver: string, pkg: string, scope: string, label: string): Info {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-(.+))?$/.exec(ver);
  if (!m) throw new Error(`demo-data: bad version ${ver}`);
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const kind: Kind = pat !== 0 ? 'patch' : min === 0 && maj > 0 ? 'major' : 'minor';
  return { tag, label, pkg, scope, ver, line: `${pkg}@${maj}.${min}.${pat}`, kind, pre: m[4] !== undefined, major: maj };
}

const fence = (lang: string, code: string): string => '```' + lang + '\n' + code + '\n```';

const SPECS: readonly Spec[] = [
  {
    owner: 'acme',
    repo: 'rocket',
    name: 'Rocket',
    homepage: 'https://rocket.acme.dev',
    seed: 0x5eed01,
    prStart: 412,
    description: 'Zero-config deployments for containers and edge functions: one CLI, any cloud.',
    authors: [0, 1, 2, 3, 5],
    tags: `v0.9.0 v0.9.1 v0.10.0 v1.0.0-beta.1 v1.0.0-rc.1 v1.0.0 v1.0.1 v1.1.0 v1.2.0 v1.2.1 v1.3.0 v1.4.0 v1.4.1 v1.5.0
      v2.0.0-beta.1 v2.0.0-beta.2 v2.0.0-rc.1 v2.0.0 v2.0.1 v2.1.0 v2.1.1 v2.2.0 v2.3.0 v2.3.1 v2.4.0 v2.5.0 v2.5.1 v2.6.0
      v3.0.0-beta.1 v3.0.0-rc.1 v3.0.0-rc.2 v3.0.0 v3.0.1 v3.1.0 v3.1.1 v3.2.0 v3.3.0 v3.3.1 v3.4.0 v3.4.1 v3.5.0 v3.6.0`,
    info: (tag) => semver(tag, tag.slice(1), 'rocket', '', tag),
    upgrade: (r, i) => {
      const sh = r.chance(0.5) ? `npm install -g @acme/rocket@${i.ver}` : `curl -fsSL https://get.rocket.acme.dev | sh -s -- --version ${i.tag}`;
      const bash = fence('bash', `${sh}\nrocket --version${i.kind === 'major' ? '\nrocket migrate-config   # rewrites rocket.json -> rocket.config.ts' : ''}`);
      return i.kind !== 'major'
        ? bash
        : `${bash}\n\nThe new typed config looks like this:\n\n${fence(
            'ts',
            '// rocket.config.ts\nimport { defineConfig } from ' +
              "'@acme/rocket';\n\nexport default defineConfig({\n  app: 'my-app',\n  regions: ['fra', 'iad'],\n  healthCheck: { path: '/healthz' },\n});",
          )}`;
    },
    pools: {
      themes: [
        'Faster cold starts::Cold starts are up to {n}% faster thanks to snapshot-based boot.',
        'Preview environments::`rocket preview` gives every pull request its own URL.',
        'Multi-region deploys::`rocket deploy --regions fra,iad,sin` rolls out in parallel.',
        'Secrets v2::Secrets are encrypted client-side and scoped per environment.',
        'Instant rollbacks::`rocket rollback` swaps traffic back in under a second.',
        'Remote build cache::Remote caching cuts typical CI rebuild times by {n}%.',
        'Structured logs::`rocket logs` streams JSON logs filterable by level and region.',
        'Plugin API::Hook into build, deploy and release phases from `rocket.config.ts`.',
        'Canary releases::Shift traffic gradually with `rocket deploy --canary 10%`.',
        'Native Windows builds::The CLI ships native Windows binaries for x64 and arm64.',
        'Edge functions::Deploy functions to 30+ locations with `rocket functions deploy`.',
        'Health-gated rollouts::Configurable HTTP and TCP health checks gate every rollout.',
      ],
      features: [
        'Added `rocket env pull` to sync remote environment variables into a local `.env` file',
        '`rocket deploy` prints a live progress view with per-step timings',
        'Dockerfile-less builds via buildpack auto-detection',
        'New `--dry-run` flag for `deploy` and `rollback`',
        'Support `ROCKET_TOKEN` for non-interactive CI usage',
        '`rocket status` shows instance health, CPU and memory per region',
        'Shell completions for bash, zsh and fish via `rocket completion`',
        'HTTP/3 is enabled by default on all edge endpoints',
        'Custom domains are verified automatically via DNS `TXT` records',
        'Added `rocket ssh` for attaching to a running instance',
        'Deploy hooks: run `predeploy` / `postdeploy` scripts from config',
        'Autoscaling rules can target p95 latency in addition to CPU',
        '`rocket logs --since 2h` accepts human-friendly durations',
        'Official GitHub Action: `acme/rocket-action@v2`',
        'Config files can be written in TypeScript (`rocket.config.ts`)',
      ],
      fixes: [
        'Fixed a race condition that could leave a deployment stuck in `pending`',
        '`rocket login` no longer hangs when the browser callback is blocked',
        'Fixed incorrect exit code when a health check times out',
        'Corrected timezone handling in `rocket logs --since`',
        'Environment variables containing `=` are no longer truncated',
        'Fixed a memory leak in the log streamer on long sessions',
        'Windows: paths with spaces are quoted correctly in build steps',
        'Retry uploads on `ECONNRESET` instead of failing the whole deploy',
        '`rocket rollback` respects `--region` again',
        'Fixed a panic when `rocket.config.ts` exports a function instead of an object',
        'Build cache keys now include the lockfile hash',
        'Clearer error message when the project is not linked',
        'TLS certificates are renewed {n} days before expiry instead of 7',
      ],
      breaking: [
        'Dropped support for Node.js 16; the minimum supported version is now Node.js 18',
        '`rocket.json` is no longer read: migrate to `rocket.config.ts` with `rocket migrate-config`',
        'The `--env` flag has been renamed to `--environment`',
        '`rocket deploy` fails on health-check errors by default (pass `--no-verify` for the old behaviour)',
        'Removed the deprecated `rocket scale --legacy` command',
        'Secrets created before v2 must be re-encrypted with `rocket secrets migrate`',
      ],
      deprecations: [
        ['rocket up', 'rocket deploy'],
        ['--env', '--environment'],
        ['ROCKET_API_KEY', 'ROCKET_TOKEN'],
        ['rocket.json', 'rocket.config.ts'],
      ],
      perf: [
        ['Cold start (p50)', 'ms', 420],
        ['Cold start (p99)', 'ms', 1180],
        ['Deploy time (median)', 's', 38],
        ['Rebuild, warm cache', 's', 21],
        ['CLI binary size', 'MB', 41],
        ['Idle memory', 'MB', 96],
      ],
      checklist: [
        'Run `rocket migrate-config` in every project',
        'Switch CI to `ROCKET_TOKEN`',
        'Re-encrypt secrets with `rocket secrets migrate`',
        'Bump `acme/rocket-action` to the latest major',
        'Review health-check timeouts',
      ],
    },
  },
  {
    owner: 'acme',
    repo: 'ui',
    name: 'Acme UI',
    homepage: 'https://ui.acme.dev',
    seed: 0x5eed02,
    prStart: 1730,
    description: 'Accessible React components, icons, hooks and design tokens for Acme products.',
    authors: [4, 6, 5, 0],
    tags: `@acme/tokens@1.0.0 @acme/ui@1.8.0 @acme/icons@1.2.0 @acme/ui@1.8.1 @acme/hooks@0.4.0 @acme/ui@1.9.0 @acme/icons@1.3.0
      @acme/ui@2.0.0-next.1 @acme/tokens@1.1.0 @acme/ui@2.0.0-next.2 @acme/ui@2.0.0 @acme/ui@2.0.1 @acme/icons@1.4.0 @acme/hooks@0.5.0
      @acme/ui@2.1.0 @acme/tokens@1.2.0 @acme/ui@2.1.1 @acme/icons@1.4.1 @acme/ui@2.2.0 @acme/hooks@1.0.0 @acme/ui@2.3.0 @acme/icons@1.5.0
      @acme/ui@2.3.1 @acme/tokens@2.0.0 @acme/ui@2.4.0 @acme/icons@1.6.0 @acme/ui@2.5.0 @acme/hooks@1.1.0 @acme/ui@2.5.1 @acme/ui@2.5.2
      @acme/ui@3.0.0-next.1 @acme/icons@1.7.0 @acme/ui@3.0.0-next.2 @acme/ui@3.0.0`,
    info: (tag) => {
      const [pkg, ver] = [tag.slice(0, tag.lastIndexOf('@')), tag.slice(tag.lastIndexOf('@') + 1)];
      return semver(tag, ver, pkg, pkg.replace('@acme/', ''), tag);
    },
    upgrade: (r, i) => {
      const pm = r.pick(['pnpm add', 'npm install', 'yarn add']);
      if (i.kind !== 'major') return fence('bash', `${pm} ${i.pkg}@${i.ver}`);
      return `${fence('bash', `${pm} ${i.pkg}@${i.ver}\nnpx @acme/codemods ${i.scope}-v${i.major} ./src`)}\n\n${fence(
        'ts',
        `// before\nimport Button from '${i.pkg}/button';\n// after\nimport { Button } from '${i.pkg}';`,
      )}`;
    },
    pools: {
      themes: [
        'ui|Theming overhaul::Components are themed through CSS variables, with first-class dark mode.',
        'ui|Combobox and DatePicker::Two long-requested components, fully keyboard accessible.',
        'ui|React Server Components::Presentational components now render in RSC.',
        'ui|Smaller bundles::Per-component entry points cut typical bundle size by {n}%.',
        'ui|DataTable::`<DataTable>` does sorting, column resizing and virtualised rows.',
        'icons|New icon set::{n} new icons for finance, devices and file types on a 24px grid.',
        'icons|Variable stroke width::Icons accept `strokeWidth` and inherit `currentColor`.',
        'icons|SVG sprites::Every icon also ships as an SVG sprite for non-React apps.',
        'tokens|Semantic color tokens::`color.bg.danger`, `color.fg.muted`, … sit on the raw palette.',
        'tokens|Figma sync::Tokens are exported from Figma variables and published on merge.',
        'hooks|SSR-safe hooks::`useMediaQuery` and `useLocalStorage` no longer break hydration.',
        'hooks|Focus management::New `useFocusTrap` and `useRovingTabIndex` hooks.',
      ],
      features: [
        'ui|`<Tooltip>` gained `delay` and `placement` props',
        'ui|`<Dialog>` traps focus and restores it on close',
        'ui|New `size="xs"` variant for `<Button>` and `<IconButton>`',
        'ui|`<Select>` supports async option loading',
        'ui|Added `<Toast>` with a `toast.promise()` helper',
        'ui|`<Tabs>` can be controlled via `value` / `onValueChange`',
        'icons|`<Icon name>` dynamic loader with lazy imports',
        'icons|Added {n} new brand icons',
        'icons|Icons ship with a `title` prop for accessible labels',
        'tokens|Added `spacing.0.5` and `spacing.1.5` steps',
        'tokens|Tokens are exported as CSS, SCSS, JSON and a typed TS module',
        'tokens|New `motion.*` duration and easing tokens',
        'hooks|Added `useDebouncedValue` and `useThrottledCallback`',
        'hooks|`useClipboard` exposes a `copied` state with a configurable timeout',
        'hooks|`useIntersection` accepts a `rootMargin`',
        'Every entry point is marked side-effect free for better tree-shaking',
        'Type declarations include declaration maps for go-to-definition',
      ],
      fixes: [
        'ui|Fixed `<Popover>` flickering when the trigger re-renders',
        'ui|`<Checkbox>` indeterminate state is announced by screen readers',
        'ui|Fixed scroll locking on iOS Safari while a `<Dialog>` is open',
        'ui|`<Input>` keeps the caret position when `value` is controlled',
        'ui|Fixed RTL layout of `<Breadcrumbs>` separators',
        'icons|Fixed clipped strokes on `arrow-*` icons at 16px',
        'icons|`aria-hidden` is set by default when no `title` is given',
        'icons|Fixed wrong `viewBox` on `file-csv`',
        'tokens|Raised contrast of `color.fg.muted` in dark mode to 4.6:1',
        'tokens|CSS output no longer duplicates `:root` blocks',
        'hooks|`useMediaQuery` removes its listener on unmount',
        'hooks|Fixed a stale closure in `useInterval` when the delay changes',
        'Fixed the `exports` map so Jest resolves the package',
        'Removed a stray `console.log` from the production build',
      ],
      breaking: [
        'ui|`<Button variant="primary">` is now `variant="solid"`; the codemod updates call sites',
        'ui|`<Modal>` was removed in favour of `<Dialog>`',
        'ui|The minimum React version is now 18.2',
        'ui|The `theme` prop on `<Provider>` was replaced by CSS variables',
        'tokens|Raw palette tokens moved from `colors.*` to `palette.*`',
        'hooks|`useLocalStorage` returns a tuple instead of an object',
        'icons|Icons are named exports only; the default export was removed',
        'The CommonJS build was dropped; all packages are ESM-only',
      ],
      deprecations: [
        ['<Modal>', '<Dialog>'],
        ['variant="primary"', 'variant="solid"'],
        ['colors.*', 'palette.*'],
        ['useMedia', 'useMediaQuery'],
      ],
      perf: [
        ['`@acme/ui` bundle (min+gz)', 'kB', 58],
        ['Render 1k `<Button>`s', 'ms', 41],
        ['DataTable scroll, 10k rows', 'fps', 38],
        ['Icons bundle, tree-shaken', 'kB', 12],
      ],
      checklist: [
        'Run the codemod on every app',
        'Replace `<Modal>` with `<Dialog>`',
        'Import the tokens stylesheet once at the app root',
        'Update snapshot tests',
        'Check custom themes against the new CSS variables',
      ],
    },
  },
  {
    owner: 'northwind',
    repo: 'ledger',
    name: 'Ledger',
    homepage: 'https://ledger.northwind.io',
    seed: 0x5eed03,
    prStart: 88,
    description: 'Double-entry accounting service with multi-currency support, approvals and a tamper-evident audit trail.',
    authors: [7, 3, 1, 2],
    tags: `release/2024-03 release/2024-04 release/2024-05 release/2024-05-hotfix.1 release/2024-06 release/2024-07 release/2024-09
      release/2024-10 release/2024-11 release/2025-01 release/2025-02 release/2025-03 release/2025-03-hotfix.1 release/2025-04
      release/2025-05 release/2025-06 release/2025-07 release/2025-09 release/2025-10 release/2025-10-hotfix.1 release/2025-11
      release/2025-12 release/2026-01 release/2026-01-hotfix.1 release/2026-03 release/2026-05 release/2026-07-rc.1 release/2026-07
      release/2026-09 release/2026-10 release/2026-11`,
    info: (tag) => {
      const m = /^release\/(\d{4})-(\d{2})(?:-(hotfix|rc)\.(\d+))?$/.exec(tag);
      if (!m) throw new Error(`demo-data: bad calver tag ${tag}`);
      const suffix = m[3] === 'hotfix' ? ` hotfix ${m[4]}` : m[3] === 'rc' ? ` RC ${m[4]}` : '';
      return {
        tag,
        label: `Ledger ${m[1]}.${m[2]}${suffix}`,
        pkg: 'ledger',
        scope: '',
        ver: `${m[1]}.${m[2]}`,
        line: `${m[1]}-${m[2]}`,
        kind: m[3] === 'hotfix' ? 'patch' : 'minor',
        pre: m[3] === 'rc',
        major: Number(m[1]),
      };
    },
    dates: (r, infos, now) =>
      infos.map((i) => {
        const [y, mo] = i.ver.split('.').map(Number);
        const day = i.pre ? r.int(1, 3) : i.kind === 'patch' ? r.int(15, 26) : r.int(5, 12);
        return Date.UTC(y ?? 2025, (mo ?? 1) - 1, day, r.int(8, 17), r.int(0, 59), r.int(0, 59)) + (now - DEFAULT_NOW);
      }),
    upgrade: (_r, i) => fence('bash', `docker pull ghcr.io/northwind/ledger:${i.tag.slice(8)}\ndocker compose run --rm ledger ledger migrate`),
    pools: {
      themes: [
        'Multi-currency accounts::Accounts hold balances in several currencies, with daily ECB rates.',
        'Audit log export::Export the full audit trail as CSV or Parquet from the admin UI.',
        'Faster reconciliation::Bank reconciliation is {n}% faster thanks to a new matching index.',
        'Scheduled reports::Schedule monthly P&L and balance-sheet reports as PDF e-mails.',
        'PostgreSQL 16::Ledger now runs on, and is tested against, PostgreSQL 16.',
        'Approval workflows::Entries above a configurable threshold need a second approver.',
        'Open banking imports::Import transactions straight from open-banking connectors.',
        'Period close::Closing a period locks its entries and writes a signed snapshot.',
        'Webhooks::Subscribe to `entry.posted` and `period.closed` via signed webhooks.',
        'API v2::The v2 REST API adds cursor pagination and idempotency keys.',
      ],
      features: [
        'Idempotency keys for `POST /v2/entries`',
        'CSV import detects delimiter and decimal separator automatically',
        'New `ledger accounts tree` CLI command',
        'Admin UI: keyboard shortcuts for posting and reversing entries',
        '`GET /v2/balances?asOf=` returns point-in-time balances',
        'Tags on journal lines, filterable in every report',
        'SAML single sign-on (Okta, Entra ID)',
        'Rounding rules configurable per currency',
        'Prometheus metrics for posting latency',
        'Attach receipts and invoices to journal entries',
        'Trial balance report with drill-down',
        'Report queries can use a read replica via `LEDGER_REPORTS_DSN`',
      ],
      fixes: [
        'Fixed off-by-one-cent rounding in JPY → EUR conversions',
        "Reversal entries keep the original entry's tags",
        'Fixed a deadlock when two imports post to the same account',
        'Period close no longer times out on ledgers with more than 1M entries',
        'Fixed a daylight-saving shift in scheduled report times',
        'Audit log rows are written in the same transaction as the change',
        'Fixed an N+1 query on the accounts overview page',
        'Webhook retries use exponential backoff',
        'Corrected VAT rounding on credit notes',
        'Fixed a login loop when the SSO session expires',
      ],
      breaking: [],
      deprecations: [
        ['GET /v1/entries', 'GET /v2/entries'],
        ['LEDGER_DB_URL', 'LEDGER_DSN'],
        ['--format xls', '--format xlsx'],
      ],
      perf: [
        ['Reconciliation, 100k lines', 's', 84],
        ['Trial balance report', 'ms', 1900],
        ['Posting throughput', 'entries/s', 2400],
        ['Period close, 1M entries', 's', 310],
      ],
      checklist: [
        'Run `ledger migrate` on the primary',
        'Rotate the webhook signing secret',
        "Verify last night's backup restores",
        'Announce the maintenance window to finance',
        'Update the on-call runbook',
      ],
    },
  },
  {
    owner: 'octo-org',
    repo: 'hello-api',
    name: 'Hello API',
    homepage: null,
    seed: 0x5eed04,
    prStart: 3,
    description: 'A tiny REST service that says hello in 40 languages, with rate limiting and OpenAPI docs.',
    authors: [2, 6, 4],
    tags: `1.0.0 1.0.1 1.1.0 1.1.1 1.2.0 1.3.0 1.3.1 1.4.0 1.5.0 1.5.1 1.6.0 2.0.0-rc.1 2.0.0 2.0.1 2.1.0 2.1.1 2.2.0 2.3.0 2.3.1
      2.4.0 2.5.0 2.5.1 2.6.0 2.7.0-beta.1 2.7.0 2.7.1 2.8.0 2.9.0-rc.1 2.9.0 2.10.0`,
    info: (tag) => semver(tag, tag, 'hello-api', '', `v${tag}`),
    upgrade: (r, i) => {
      const cmd = r.chance(0.5) ? `docker pull ghcr.io/octo-org/hello-api:${i.ver}` : `helm upgrade hello octo/hello-api --version ${i.ver}`;
      if (i.kind !== 'major') return fence('bash', cmd);
      return `${fence('bash', `${cmd}\nnpm install @octo-org/hello-api-client@${i.major}`)}\n\n${fence(
        'ts',
        'import { createClient } from ' +
          `'@octo-org/hello-api-client';\n\nconst api = createClient({ baseUrl: 'https://hello.example.com/v${i.major}' });\n` +
          "const { message } = await api.greet({ lang: 'de', name: 'Ada' });",
      )}`;
    },
    pools: {
      themes: [
        'Rate limiting::Per-key rate limits with standard `RateLimit-*` headers.',
        'OpenAPI 3.1::The spec is served at `/openapi.json` and rendered at `/docs`.',
        'More languages::Greetings are available in {n} additional languages.',
        'Health endpoints::`/healthz` and `/readyz` make the service Kubernetes friendly.',
        'OpenTelemetry::Traces and metrics go out over OTLP when an endpoint is configured.',
        'Typed client::A generated client is published as `@octo-org/hello-api-client`.',
        'Graceful shutdown::In-flight requests are drained on `SIGTERM` before exit.',
        'Smaller image::The Docker image is now distroless and {n}% smaller.',
      ],
      features: [
        'Added `GET /v1/greetings/:lang`',
        'Support `Accept-Language` negotiation',
        'Added a `?name=` query parameter for personalised greetings',
        'Structured JSON logging with request ids',
        'Added `HELLO_PORT` and `HELLO_HOST` environment variables',
        '`ETag` support for greeting responses',
        'CORS origins configurable via `HELLO_CORS_ORIGINS`',
        'ARM64 images for Raspberry Pi and Graviton',
        'New `/v1/languages` endpoint',
        'Helm chart published at https://octo-org.github.io/hello-api',
      ],
      fixes: [
        'Fixed a 500 when `Accept-Language` contains `q=0`',
        'Trailing slashes no longer cause 404s',
        'Fixed memory growth in the rate-limit store',
        '`/readyz` reports not-ready while migrations run',
        'Fixed the `Content-Type` of error responses',
        'Corrected the Welsh and Icelandic greetings',
        'Handle `SIGINT` the same way as `SIGTERM`',
        'Fixed the OpenAPI schema of the error envelope',
      ],
      breaking: [
        'All endpoints moved under `/v2`; `/v1` stays available until the next major',
        'Errors follow RFC 9457 (`application/problem+json`)',
        '`HELLO_API_KEYS` now expects a comma-separated list',
        'The minimum supported Node.js version is 20',
      ],
      deprecations: [
        ['/greet', '/v1/greetings'],
        ['HELLO_KEY', 'HELLO_API_KEYS'],
      ],
      perf: [
        ['Throughput', 'req/s', 18500],
        ['Latency (p99)', 'ms', 9.5],
        ['Docker image', 'MB', 182],
        ['Startup time', 'ms', 640],
      ],
      checklist: ['Point clients at the new base path', 'Handle `application/problem+json` errors', 'Rotate API keys', 'Update Helm values'],
    },
  },
];

const HL_EXTRA = [
  'Huge thanks to @{u} for driving this.',
  'This was the most requested item on our roadmap.',
  'Docs are live at {docs}.',
  'Feedback is very welcome in https://github.com/{repo}/discussions.',
  'The full write-up is at {docs}/blog.',
];
const FOOTNOTES = [
  'Measured on a 4-vCPU CI runner, median of 20 runs.',
  'Numbers come from the nightly benchmark suite; your mileage may vary.',
  'See the design discussion in https://github.com/{repo}/discussions/{pr}.',
  'Compared against the previous release on identical hardware.',
];
const PATCH_INTROS = [
  'A small patch release fixing issues reported after {prev}.',
  'This release fixes a regression introduced in {prev}. Upgrading is recommended.',
  'Maintenance release: no new features, just fixes.',
  'Bug-fix release. Thanks to everyone who reported these on the issue tracker!',
];
const CHORES = [
  'Bump `typescript` from 5.5.4 to 5.6.3',
  'Bump `vitest` from 1.6.0 to 2.1.4',
  'Bump `esbuild` from 0.23.1 to 0.24.0',
  'CI now also runs on Node.js 22',
  'Release artifacts are signed with Sigstore',
  'Added fuzz tests for the config parser',
  'Refreshed the contributing guide',
  'Upgraded dependencies to their latest minor versions',
];
const MINOR_INTROS = [
  'Mostly quality-of-life improvements this cycle, plus fixes for issues reported after {prev}.',
  'A steady feature release. Everything that changed since {prev} is listed below.',
  'This release focuses on polish and developer experience.',
  'Lots of small things in this one, most of them suggested by the community. Thank you!',
];
const HIGHER_IS_BETTER = new Set(['fps', 'req/s', 'entries/s']);

const scoped = (pool: readonly string[], scope: string): string[] =>
  pool
    .filter((s) => {
      const m = /^(\w+)\|/.exec(s);
      return !m || m[1] === scope;
    })
    .map((s) => s.replace(/^\w+\|/, ''));

interface Part {
  text: string;
  optional: boolean;
  footnote?: string;
}
interface Ctx {
  r: Rand;
  spec: Spec;
  info: Info;
  prev: Info | null;
  theme: readonly [string, string] | null;
  draft: boolean;
  nextPr(): number;
  mention(): string;
  newcomer(): string | null;
}

function buildBody(c: Ctx): string {
  const { r, spec, info, prev } = c;
  const repo = `${spec.owner}/${spec.repo}`;
  const fill = (s: string): string =>
    s
      .replace(/\{n\}/g, () => String(r.int(3, 9) * 5))
      .replace(/\{u\}/g, () => c.mention())
      .replace(/\{docs\}/g, spec.homepage ?? `https://github.com/${repo}#readme`)
      .replace(/\{repo\}/g, repo)
      .replace(/\{prev\}/g, prev ? prev.label : 'the previous release')
      .replace(/\{pr\}/g, () => String(c.nextPr()));
  const item = (s: string): string => {
    // "- text (#123) by @user"
    const by = s.startsWith('Bump ') ? 'dependabot' : r.chance(0.55) ? c.mention() : null;
    return `- ${fill(s)} (#${c.nextPr()})${by ? ` by @${by}` : ''}`;
  };
  const list = (pool: readonly string[], min: number, max: number): string =>
    r
      .pickN(pool, Math.min(pool.length, r.int(min, max)))
      .map(item)
      .join('\n');
  const [parts, p] = [[] as Part[], spec.pools];
  const add = (text: string, optional = false, footnote?: string): void => {
    parts.push({ text, optional, footnote });
  };

  if (info.pre) {
    add(
      `> [!WARNING]\n> This is a pre-release of ${info.label.replace(/-.*$/, '').replace(/ RC \d+$/, '')}. Expect rough edges and ` +
        `please report problems at https://github.com/${repo}/issues.`,
    );
  }
  if (info.kind !== 'patch' && c.theme) {
    const fn = r.chance(0.2) ? fill(r.pick(FOOTNOTES)) : undefined;
    const extra = r.chance(0.45) ? ` ${fill(r.pick(HL_EXTRA))}` : '';
    add(`## Highlights\n\n**${c.theme[0]}.** ${fill(c.theme[1])}${fn ? '[^fn]' : ''}${extra}`, false, fn);
  } else add(fill(r.pick(info.kind === 'patch' ? PATCH_INTROS : MINOR_INTROS)));
  const breaking = scoped(p.breaking, info.scope);
  if (info.kind === 'major' && breaking.length > 0) {
    add(`### Breaking changes\n\n${list(breaking, 2, 3)}`);
    if (r.chance(0.5)) add(`### Removed\n\n- ~~\`${r.pick(p.deprecations)[0]}\`~~ has been removed after its deprecation period.`, true);
    add(`### Upgrading\n\n${spec.upgrade(r, info)}`);
    const todo = r.pickN(p.checklist, r.int(3, 4)).map((t) => `- [${r.chance(0.5) ? 'x' : ' '}] ${t}`);
    if (r.chance(0.75)) add(`### Migration checklist\n\n${todo.join('\n')}`, true);
  }
  const features = scoped(p.features, info.scope);
  if (info.kind !== 'patch') add(`### Features\n\n${list(features, 2, 5)}`);
  else if (r.chance(0.25)) add(`### Features\n\n${list(features, 1, 1)}`);
  add(`### Bug fixes\n\n${list(scoped(p.fixes, info.scope), info.kind === 'patch' ? 2 : 1, info.kind === 'patch' ? 4 : 3)}`);

  if (info.kind !== 'patch' && r.chance(/\d+%/.test(c.theme?.[1] ?? '') ? 0.8 : 0.25)) {
    const rows = r.pickN(p.perf, r.int(2, 4)).map(([metric, unit, base]) => {
      const before = base * (0.9 + 0.2 * r.float());
      const after = before * (HIGHER_IS_BETTER.has(unit) ? 1.1 + 0.7 * r.float() : 0.55 + 0.4 * r.float());
      const fmt = (x: number): string => `${x >= 100 ? String(Math.round(x)).replace(/\B(?=(\d{3})+$)/g, ',') : x.toFixed(1)} ${unit}`;
      const delta = Math.round((after / before - 1) * 100);
      return `| ${metric} | ${fmt(before)} | ${fmt(after)} | ${delta > 0 ? '+' : ''}${delta}% |`;
    });
    const fn = r.chance(0.5) ? fill(r.pick(FOOTNOTES)) : undefined;
    add(`### Performance${fn ? '[^fn]' : ''}\n\n| Benchmark | Before | After | Change |\n| --- | ---: | ---: | ---: |\n${rows.join('\n')}`, true, fn);
  }
  if (info.kind === 'minor' && !info.pre && r.chance(0.3)) {
    const [old, neu] = r.pick(p.deprecations);
    add(`### Deprecations\n\n- ~~\`${old}\`~~ is deprecated in favour of \`${neu}\` and will be removed in the next major release.`, true);
  }
  if (info.kind === 'minor' && r.chance(0.3)) add(`### Upgrading\n\n${spec.upgrade(r, info)}`, true);
  if (r.chance(0.35)) add(`### Internal\n\n${list(CHORES, 1, 3)}`, true);
  const newbie = r.chance(0.3) ? c.newcomer() : null;
  if (newbie) add(`## New contributors\n\n- @${newbie} made their first contribution in https://github.com/${repo}/pull/${c.nextPr()}`, true);
  if (c.draft) {
    add(
      `### Release checklist\n\n${['Changelog reviewed', 'Version bumped', 'Docs updated', 'Announcement drafted', 'Smoke-tested on staging']
        .map((t, i) => `- [${i < 2 || r.chance(0.4) ? 'x' : ' '}] ${t}`)
        .join('\n')}`,
    );
  }
  const tail = `**Full Changelog**: https://github.com/${repo}/${prev ? `compare/${prev.tag}...${info.tag}` : `commits/${info.tag}`}`;
  const render = (): string => {
    const notes: string[] = [];
    const sections = parts.map((s) => {
      if (!s.footnote) return s.text;
      notes.push(`[^${notes.length + 1}]: ${s.footnote}`);
      return s.text.replace('[^fn]', `[^${notes.length}]`);
    });
    return [...sections, ...(notes.length ? [notes.join('\n')] : []), tail].join('\n\n');
  };
  let out = render();
  for (let idx = parts.length; out.length > 2000 && idx >= 0; out = render()) {
    // drop optional sections, last first
    idx = parts.map((s) => s.optional).lastIndexOf(true);
    if (idx >= 0) parts.splice(idx, 1);
  }
  for (; out.length < 300; out = render()) add(`### Internal\n\n${list(CHORES, 2, 3)}`);
  return out;
}

function timeline(r: Rand, infos: readonly Info[], now: number): number[] {
  const weights = infos.map((info, i) => {
    // relative gap before each release: short after a pre-release or for patches
    const [lo, span] =
      i === 0 ? [0, 0] : infos[i - 1]?.pre ? [0.25, 0.5] : info.pre ? [0.8, 1.4] : info.kind === 'patch' ? [0.25, 0.8] : info.kind === 'major' ? [1.2, 2] : [0.7, 1.8];
    return lo + span * r.float();
  });
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const [start, end] = [now - r.int(1040, 1090) * DAY, now - r.int(2, 9) * DAY];
  let acc = 0;
  return weights.map((w) => {
    // spread proportionally, then move to a random time of day (07:00-20:59 UTC)
    const t = start + ((acc += w) / total) * (end - start);
    return Math.floor(t / DAY) * DAY + r.int(7 * 60, 20 * 60) * MIN + r.int(0, 59) * 1000;
  });
}

function buildProject(spec: Spec, projectIndex: number, now: number, usedIds: Set<number>): DemoProject {
  const r = new Rand(spec.seed);
  const infos = spec.tags
    .trim()
    .split(/\s+/)
    .map((t) => spec.info(t));
  infos.forEach((inf, i) => {
    // a package's very first release is never a "breaking" major
    if (inf.kind === 'major' && !infos.slice(0, i).some((p) => p.pkg === inf.pkg)) inf.kind = 'minor';
  });
  const published = infos.slice(0, -1);
  const times = spec.dates ? spec.dates(r, published, now) : timeline(r, published, now);
  for (let i = 1; i < times.length; i++) {
    // guarantee strictly increasing instants
    if (at(times, i) <= at(times, i - 1)) times[i] = at(times, i - 1) + r.int(2, 30) * HOUR;
  }
  const contributors = spec.authors.map((i) => at(AUTHORS, i));
  const themeFor = new Map<string, readonly [string, string]>(); // version line -> [title, highlight]; majors first
  const usedThemes = new Set<string>();
  for (const pass of ['major', 'minor'] as const) {
    for (const inf of pass === 'major' ? infos : r.pickN(infos, infos.length)) {
      if (inf.kind !== pass || themeFor.has(inf.line) || (pass === 'minor' && !r.chance(0.65))) continue;
      const raw = r.pickN(
        scoped(spec.pools.themes, inf.scope).filter((t) => !usedThemes.has(t)),
        1,
      )[0];
      if (!raw) continue;
      usedThemes.add(raw);
      const [title = raw, sentence = ''] = raw.split('::');
      themeFor.set(inf.line, [title, sentence]);
    }
  }
  const usedNewcomers = new Set<string>();
  let pr = spec.prStart; // PR numbers grow monotonically through the project's history
  const ctxBase = {
    r,
    spec,
    nextPr: (): number => (pr += r.int(1, 7)),
    mention: (): string => (r.chance(0.15) ? r.pick(NEWCOMERS) : r.pick(contributors).login),
    newcomer: (): string | null => {
      const n =
        r.pickN(
          NEWCOMERS.filter((x) => !usedNewcomers.has(x)),
          1,
        )[0] ?? null;
      if (n) usedNewcomers.add(n);
      return n;
    },
  };

  const releases = infos.map((info, i): DemoRelease => {
    const draft = i === infos.length - 1;
    const createdAt = draft ? now - r.int(8 * 60, 40 * 60) * MIN - r.int(0, 59) * 1000 : at(times, i) - r.int(4, 360) * MIN - r.int(0, 59) * 1000;
    const publishedAt = draft ? createdAt + r.int(10, 180) * MIN : at(times, i);
    const theme = info.kind === 'patch' ? null : (themeFor.get(info.line) ?? null);
    const prev =
      infos
        .slice(0, i)
        .reverse()
        .find((p) => p.pkg === info.pkg) ?? null; // previous release of the same package
    const body = buildBody({ ...ctxBase, info, prev, theme, draft });
    const name = !draft && info.kind !== 'major' && r.chance(0.08) ? null : theme && !info.pre ? `${info.label} — ${theme[0]}` : info.label;
    const author = !draft && r.chance(0.07) ? null : r.pick(contributors);
    let githubId = 70_000_000 + Math.max(0, Math.floor((createdAt - Date.UTC(2023, 0, 1)) / 2000)) * 4 + projectIndex;
    while (usedIds.has(githubId)) githubId += 4;
    usedIds.add(githubId);
    return {
      tag: info.tag,
      name,
      body,
      publishedAt: new Date(publishedAt),
      createdAt: new Date(createdAt),
      prerelease: info.pre,
      draft,
      author: author ? { ...author } : null,
      githubId,
      htmlUrl: `https://github.com/${spec.owner}/${spec.repo}/releases/tag/${encodeURIComponent(info.tag)}`,
    };
  });
  const { owner, repo, name, description, homepage } = spec;
  return { owner, repo, name, description, homepage, releases };
}

export function demoProjects(now: Date = new Date(DEFAULT_NOW)): DemoProject[] {
  const usedIds = new Set<number>();
  return SPECS.map((spec, i) => buildProject(spec, i, now.getTime(), usedIds));
}
