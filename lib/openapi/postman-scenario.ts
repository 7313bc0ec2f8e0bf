/**
 * The ordered scenario layer of the Postman collection (docs/postman.json): which operations of the
 * OpenAPI document run in which order, with what data, and what each answer must be. The requests
 * themselves (paths, descriptions, auth) come from the document through openapi-to-postmanv2; a step
 * only names its operation ("METHOD /path" as in the document) and fills it in.
 *
 * The run makes its own data: a project with a unique name (`{{owner}}/{{repo}}`, set by the first
 * request), its releases, a token, an import and a signed webhook delivery; ids are captured from the
 * answers into collection variables; the last steps delete what the run made. Only `baseUrl` and
 * `bearerToken` (an admin token) must be set; `webhookSecret` is optional (the run's project is created
 * with it as its secret; a random one is made when it is empty).
 */

export interface Step {
  /** The operation, as in the OpenAPI document: `GET /api/v2/projects/{owner}/{repo}`. */
  op: string;
  name: string;
  /** Send with another method than the operation's (HEAD for the event stream, so it ends). */
  method?: 'HEAD';
  /** Path parameter values; `owner`, `repo` and `tag` default to the run's variables. */
  path?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** JSON body (serialised as is; `{{var}}` placeholders are resolved by Postman). */
  body?: unknown;
  status: number;
  /** The expected Content-Type (a prefix), or null for an answer without a body. */
  type: string | null;
  /** Extra test script lines (Postman sandbox JavaScript). */
  tests?: string[];
  prerequest?: string[];
  /** Do not follow a redirect (to check the 3xx itself). */
  noRedirect?: boolean;
}

const JSON_TYPE = 'application/json';
const PROBLEM = 'application/problem+json';
const V2 = '/api/v2/projects/{owner}/{repo}';

/** Captures a member of the JSON answer into a collection variable. */
const capture = (variable: string, expression: string) => [
  `const value = ${expression};`,
  `pm.expect(value, ${JSON.stringify(variable)}).to.not.be.oneOf([undefined, null, '']);`,
  `pm.collectionVariables.set(${JSON.stringify(variable)}, String(value));`,
];

const etag = (variable: string) => [
  `const etag = pm.response.headers.get('ETag');`,
  `pm.expect(etag, 'ETag').to.match(/^"/);`,
  `pm.collectionVariables.set(${JSON.stringify(variable)}, etag);`,
];

/** The release document a PUT replaces the first release with (every writable v2 field). */
const releasePut = {
  tag: '{{tag}}',
  name: 'First release (replaced)',
  url: 'https://github.com/{{owner}}/{{repo}}/releases/tag/{{tag}}',
  publishedAt: '2026-01-02T03:04:05.000Z',
  prerelease: false,
  draft: false,
  hidden: false,
  author: { login: 'postman', avatarUrl: null, url: null },
  notes: { markdown: '## Changed\n\n- Replaced by PUT' },
};

export const SCENARIO: Step[] = [
  {
    op: 'GET /api/health',
    name: 'Health (and a unique project name for this run)',
    prerequest: [
      '// Every run works on its own project: never on the demo data, never colliding with another run.',
      'const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);',
      "pm.collectionVariables.set('owner', 'postman');",
      "pm.collectionVariables.set('repo', 'run-' + run);",
      "pm.collectionVariables.set('tag', 'v1.0.0');",
      "pm.collectionVariables.set('tag2', 'v1.1.0-rc.1');",
      "pm.collectionVariables.set('hookTag', 'v2.0.0');",
      "pm.collectionVariables.set('hookReleaseId', String(Math.floor(Math.random() * 1e9) + 1e9));",
      "pm.collectionVariables.set('hookRepositoryId', String(Math.floor(Math.random() * 1e9) + 1e9));",
      "if (!pm.variables.get('webhookSecret')) pm.collectionVariables.set('webhookSecret', 'postman-' + run + '-' + Math.random().toString(36).slice(2, 14));",
    ],
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().status).to.equal('ok');"],
  },
  { op: 'GET /api/openapi.json', name: 'The OpenAPI document', status: 200, type: JSON_TYPE, tests: ['pm.expect(pm.response.json().openapi).to.match(/^3\\.1/);'] },

  // --- a project of our own
  {
    op: 'POST /api/v2/projects',
    name: "Create the run's project",
    headers: { 'Idempotency-Key': '{{$guid}}' },
    body: {
      owner: '{{owner}}',
      repo: '{{repo}}',
      name: 'Postman run',
      description: 'Made by the Postman collection; deleted at its end.',
      homepage: null,
      webhookSecret: '{{webhookSecret}}',
    },
    status: 201,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.headers.get('Location')).to.equal('/api/v2/projects/' + pm.variables.get('owner') + '/' + pm.variables.get('repo'));"],
  },
  {
    op: `GET ${V2}`,
    name: 'Get the project',
    status: 200,
    type: JSON_TYPE,
    tests: [...etag('projectEtag'), "pm.expect(pm.response.json().fullName).to.equal(pm.variables.get('owner') + '/' + pm.variables.get('repo'));"],
  },
  {
    op: `PUT ${V2}`,
    name: 'Replace the project (If-Match)',
    headers: { 'If-Match': '{{projectEtag}}' },
    body: { owner: '{{owner}}', repo: '{{repo}}', name: 'Postman run (replaced)', description: 'Replaced by PUT.', homepage: 'https://example.com/' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().name).to.equal('Postman run (replaced)');"],
  },
  {
    op: `PATCH ${V2}`,
    name: 'Update the project (merge patch)',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: { description: 'Patched.' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().description).to.equal('Patched.');"],
  },
  {
    op: 'GET /api/v2/projects',
    name: 'List projects (filtered by owner)',
    query: { owner: '{{owner}}', limit: '100' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().data.map((p) => p.repo)).to.include(pm.variables.get('repo'));"],
  },

  // --- releases
  {
    op: `POST ${V2}/releases`,
    name: 'Create a release',
    headers: { 'Idempotency-Key': '{{$guid}}' },
    body: { tag: '{{tag}}', name: 'First release', notes: { markdown: '## Highlights\n\n- It works' } },
    status: 201,
    type: JSON_TYPE,
    tests: ['pm.expect(pm.response.json().notes.html).to.include(\'<h2 id="user-content-highlights">Highlights<a class="anchor"\');'],
  },
  {
    op: `POST ${V2}/releases`,
    name: 'Create a prerelease',
    headers: { 'Idempotency-Key': '{{$guid}}' },
    body: { tag: '{{tag2}}', name: 'Release candidate', prerelease: true, notes: { markdown: 'Try it.' } },
    status: 201,
    type: JSON_TYPE,
  },
  {
    op: `GET ${V2}/releases`,
    name: "List the project's releases",
    query: { sort_by: 'publishedAt.desc' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().data.map((r) => r.tag)).to.have.members([pm.variables.get('tag'), pm.variables.get('tag2')]);"],
  },
  { op: `GET ${V2}/releases/{tag}`, name: 'Get a release', status: 200, type: JSON_TYPE, tests: etag('releaseEtag') },
  {
    op: `PUT ${V2}/releases/{tag}`,
    name: 'Replace a release (If-Match)',
    headers: { 'If-Match': '{{releaseEtag}}' },
    body: releasePut,
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().name).to.equal('First release (replaced)');"],
  },
  {
    op: `PATCH ${V2}/releases/{tag}`,
    name: 'Update a release (merge patch)',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: { name: 'First release (patched)' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().name).to.equal('First release (patched)');"],
  },
  {
    op: `PATCH ${V2}/releases`,
    name: "Change every matching release: hide this project's prereleases",
    query: { prerelease: 'true' },
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: { hidden: true },
    status: 200,
    type: JSON_TYPE,
    tests: ['pm.expect(pm.response.json()).to.deep.equal({ matched: 1, changed: 1 });'],
  },
  {
    op: `GET ${V2}/releases/latest`,
    name: 'Redirect to the latest release',
    noRedirect: true,
    status: 307,
    type: null,
    tests: ["pm.expect(pm.response.headers.get('Location')).to.match(new RegExp('/releases/' + pm.variables.get('tag') + '$'));"],
  },
  { op: `POST ${V2}/releases/{tag}/reactions`, name: 'React to a release', body: { content: 'rocket' }, status: 201, type: JSON_TYPE },
  {
    op: `GET ${V2}/releases/{tag}/reactions`,
    name: "A release's reaction counts",
    status: 200,
    type: JSON_TYPE,
    tests: ['pm.expect(pm.response.json().rocket).to.be.at.least(1);'],
  },
  {
    op: 'GET /api/v2/releases',
    name: 'List releases across projects (this project)',
    query: { project: '{{owner}}/{{repo}}' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().data.map((r) => r.tag)).to.include(pm.variables.get('tag'));"],
  },
  {
    op: `GET ${V2}/changelog`,
    name: 'Export the changelog (Markdown)',
    headers: { Accept: 'text/markdown' },
    status: 200,
    type: 'text/markdown',
    tests: ["pm.expect(pm.response.text()).to.include(pm.variables.get('tag'));"],
  },
  {
    op: `GET ${V2}/changelog`,
    name: 'Export the changelog (NDJSON)',
    query: { format: 'ndjson' },
    status: 200,
    type: 'application/x-ndjson',
    tests: ["pm.expect(pm.response.text().trim().split('\\n').map((l) => JSON.parse(l).tag)).to.include(pm.variables.get('tag'));"],
  },

  // --- imports, the stream, a signed webhook delivery, the delivery log
  {
    op: `POST ${V2}/imports`,
    name: 'Import releases from GitHub',
    status: 202,
    type: JSON_TYPE,
    tests: [...capture('importId', 'pm.response.json().id'), "pm.expect(pm.response.headers.get('Location')).to.match(/\\/imports\\/\\d+$/);"],
  },
  {
    op: `GET ${V2}/imports`,
    name: "List the project's imports",
    status: 200,
    type: JSON_TYPE,
    tests: ['const body = pm.response.json();', "pm.expect((Array.isArray(body) ? body : body.data).map((i) => String(i.id))).to.include(pm.variables.get('importId'));"],
  },
  {
    op: `GET ${V2}/imports/{id}`,
    name: 'Get the import',
    path: { id: '{{importId}}' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(String(pm.response.json().id)).to.equal(pm.variables.get('importId'));"],
  },
  {
    op: `POST ${V2}/changelog-imports`,
    name: 'Import a CHANGELOG.md (dry run: nothing is created)',
    query: { dry_run: 'true' },
    body: { changelog: '## [9.1.0] - 2026-01-02\n\n### Added\n\n- Dark mode\n\n## [9.0.0] - 2026-01-01\n\n- First' },
    status: 200,
    type: JSON_TYPE,
    tests: ['const body = pm.response.json();', 'pm.expect(body.dryRun).to.equal(true);', "pm.expect(body.releases.map((r) => r.tag)).to.eql(['v9.0.0', 'v9.1.0']);"],
  },
  {
    op: 'GET /api/v2/stream',
    name: "Live release events (HEAD: the stream's headers, a request that ends)",
    method: 'HEAD',
    query: { project: '{{owner}}/{{repo}}' },
    status: 200,
    type: 'text/event-stream',
  },
  {
    op: 'POST /api/webhooks/github',
    name: "Receive a GitHub webhook delivery (signed by the collection's pre-request script)",
    headers: { 'X-GitHub-Event': 'release', 'X-GitHub-Delivery': '{{$guid}}' },
    body: {
      action: 'published',
      release: {
        id: '{{hookReleaseId}}',
        tag_name: '{{hookTag}}',
        name: 'From a webhook',
        body: 'Delivered by **GitHub**.',
        draft: false,
        prerelease: false,
        created_at: '2026-02-01T00:00:00Z',
        published_at: '2026-02-01T00:00:00Z',
        html_url: 'https://github.com/{{owner}}/{{repo}}/releases/tag/{{hookTag}}',
        author: { login: 'octocat', avatar_url: 'https://github.com/images/error/octocat_happy.gif', html_url: 'https://github.com/octocat' },
      },
      repository: { id: '{{hookRepositoryId}}', name: '{{repo}}', full_name: '{{owner}}/{{repo}}', owner: { login: '{{owner}}' } },
    },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().status).to.equal('processed');", ...capture('deliveryId', 'pm.response.json().deliveryId')],
  },
  {
    op: 'GET /api/v2/deliveries',
    name: 'List webhook deliveries',
    query: { project: '{{owner}}/{{repo}}' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().data.map((d) => String(d.id))).to.include(pm.variables.get('deliveryId'));"],
  },
  {
    op: 'GET /api/v2/deliveries/{id}',
    name: 'Get the delivery',
    path: { id: '{{deliveryId}}' },
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(pm.response.json().status).to.equal('processed');"],
  },
  { op: 'POST /api/v2/deliveries/{id}/replay', name: 'Replay the delivery', path: { id: '{{deliveryId}}' }, status: 200, type: JSON_TYPE },

  // --- tokens
  {
    op: 'POST /api/v2/tokens',
    name: 'Create a read token',
    headers: { 'Idempotency-Key': '{{$guid}}' },
    body: { name: 'postman {{repo}}', scopes: ['read'] },
    status: 201,
    type: JSON_TYPE,
    tests: [...capture('tokenId', 'pm.response.json().id'), 'pm.expect(pm.response.json().token).to.match(/^shp_/);'],
  },
  {
    op: 'GET /api/v2/tokens',
    name: 'List tokens',
    status: 200,
    type: JSON_TYPE,
    tests: ["pm.expect(JSON.stringify(pm.response.json())).to.include('postman ' + pm.variables.get('repo'));"],
  },
  { op: 'DELETE /api/v2/tokens/{id}', name: 'Revoke the token', path: { id: '{{tokenId}}' }, status: 204, type: null },

  // --- feeds and pages
  {
    op: 'GET /api/feed/{owner}/{repo}',
    name: "The project's Atom feed",
    query: { format: 'atom' },
    status: 200,
    type: 'application/atom+xml',
    tests: ["pm.expect(pm.response.text()).to.include(pm.variables.get('hookTag'));"],
  },
  { op: 'GET /api/feed/{owner}', name: "The owner's RSS feed", query: { format: 'rss' }, status: 200, type: 'application/rss+xml' },
  { op: 'GET /api/feed', name: 'The JSON Feed of every project', query: { format: 'json' }, status: 200, type: 'application/feed+json' },
  { op: 'POST /api/revalidate', name: "Regenerate the project's page", body: { paths: ['/{{owner}}/{{repo}}'] }, status: 200, type: JSON_TYPE },
];

/** Collection variables the JSON bodies hold as numbers: `"{{name}}"` is sent unquoted. */
export const NUMERIC_VARIABLES = ['hookReleaseId', 'hookRepositoryId'];

/** Path parameters other than owner/repo/tag, by the path they appear in, for requests outside the scenario. */
export const ID_VARIABLES: [RegExp, string][] = [
  [/\/imports\/\{id\}/, '{{importId}}'],
  [/\/deliveries\/\{id\}/, '{{deliveryId}}'],
  [/\/tokens\/\{id\}/, '{{tokenId}}'],
];

/** Runs after every other request: deletes what the run made (the project takes its releases along). */
export const CLEANUP: Step[] = [
  { op: `DELETE ${V2}/releases/{tag}`, name: 'Delete a release', path: { tag: '{{tag2}}' }, status: 204, type: null },
  { op: `DELETE ${V2}`, name: "Delete the run's project", status: 204, type: null },
  { op: `GET ${V2}`, name: 'The project is gone (404)', status: 404, type: PROBLEM },
];

/**
 * The collection-level pre-request script: signs a webhook delivery's body (HMAC-SHA256 with
 * `webhookSecret`) into `X-Hub-Signature-256`, as GitHub does, over the bytes actually sent.
 */
export const SIGN_WEBHOOKS = [
  "if (pm.request.headers.has('X-GitHub-Event') && pm.request.body && pm.request.body.raw) {",
  '  const body = pm.variables.replaceIn(pm.request.body.raw);',
  '  pm.request.body.raw = body;',
  "  const CryptoJS = require('crypto-js');",
  "  const signature = CryptoJS.HmacSHA256(body, pm.variables.get('webhookSecret')).toString(CryptoJS.enc.Hex);",
  "  pm.request.headers.upsert({ key: 'X-Hub-Signature-256', value: 'sha256=' + signature });",
  '}',
];
