import { createHash } from 'node:crypto';
import * as Converter from 'openapi-to-postmanv2';
import { apiDocument as openApiDocument } from '../api/registry';
import { CLEANUP, ID_VARIABLES, NUMERIC_VARIABLES, SCENARIO, SIGN_WEBHOOKS, type Step } from './postman-scenario';

/**
 * The OpenAPI document as a Postman collection (docs/postman.json, `npm run postman`) that runs green
 * end to end (newman) on any Shiplog with only `baseUrl` and `bearerToken` set: the requests generated
 * from the document, arranged by the ordered scenario of ./postman-scenario.ts (its own project, ids
 * captured into variables, a signed webhook, a check of status and content type on every request,
 * clean-up at the end). Operations the scenario does not name run after it: reads (v1's, and any
 * endpoint added since) with the run's data, checked against what the document says they answer.
 *
 * openapi-to-postmanv2 is not deterministic: every run mints random UUIDs for the collection, its
 * folders, requests and response examples, and fakes example values (numbers, booleans, URLs, dates)
 * for schema members without an `example` with Math.random and the current time. A committed file
 * must only change when the API does, so this module
 *  - seeds the converter's schema faker and pins its date and URL formats before each conversion,
 *  - replaces every id with a UUID-shaped SHA-1 of the element's place in the collection,
 *  - keeps the success examples only (every error is the same Problem document, already in the
 *    OpenAPI document; 14 error examples per request would triple the file).
 */

export const BASE_URL = 'http://localhost:3000';

/** Response examples with these codes are kept. */
function keepExample(code: number): boolean {
  return code < 400 && code !== 304;
}

const OPTIONS: Converter.Options = {
  folderStrategy: 'Tags',
  requestNameSource: 'Fallback',
  parametersResolution: 'Example',
  requestParametersResolution: 'Example',
  exampleParametersResolution: 'Example',
  // Optional parameters are listed but unticked: a request sends only what it needs.
  enableOptionalParameters: false,
  includeDeprecated: true,
  optimizeConversion: false,
  stackLimit: 20,
  indentCharacter: 'Space',
};

interface Faker {
  option(options: Record<string, unknown>): void;
  format(name: string, generate: () => string): void;
}

/** A small seeded PRNG (mulberry32): the same sequence on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The converter's own json-schema-faker instance (a module singleton it requires internally). */
function pinFaker(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const faker = require('openapi-to-postmanv2/assets/json-schema-faker.js') as Faker;
  faker.option({ random: seededRandom(20261101) });
  faker.format('date-time', () => '2026-11-01T12:00:00.000Z');
  faker.format('date', () => '2026-11-01');
  faker.format('uri', () => 'https://example.com/');
}

function convert(data: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    Converter.convert({ type: 'json', data }, OPTIONS, (err, result) => {
      if (err) return reject(new Error(`openapi-to-postmanv2: ${err.message}`));
      const collection = result?.output?.find((o) => o.type === 'collection')?.data;
      if (!result?.result || !collection) return reject(new Error(`openapi-to-postmanv2: ${result?.reason ?? 'no collection produced'}`));
      resolve(collection as Record<string, unknown>);
    });
  });
}

/** A UUID-shaped SHA-1 (name-based, like a v5 UUID) of `key`. */
export function stableId(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Json = Record<string, unknown>;

function requestKey(request: Json | undefined): string {
  if (!request) return '';
  const url = request.url as { path?: string[] } | string | undefined;
  const path = typeof url === 'string' ? url : (url?.path ?? []).join('/');
  return `${String(request.method ?? '')} ${path}`;
}

/** Replaces every generated id with a hash of the element's place; drops the error examples. */
function stabilise(collection: Json): Json {
  const seen = new Map<string, number>();
  const idFor = (key: string) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return stableId(n ? `${key}#${n}` : key);
  };
  const info = collection.info as Json;
  info._postman_id = idFor(`collection:${String(info.name)}`);

  const walkItems = (items: Json[], parent: string) => {
    for (const item of items) {
      const key = `${parent}/${String(item.name)} ${requestKey(item.request as Json | undefined)}`;
      if ('id' in item) item.id = idFor(`item:${key}`);
      if (Array.isArray(item.item)) walkItems(item.item as Json[], key);
      if (Array.isArray(item.response)) {
        item.response = (item.response as Json[]).filter((r) => keepExample(Number(r.code)));
        for (const response of item.response as Json[]) {
          if ('id' in response) response.id = idFor(`response:${key} ${String(response.code)} ${String(response.name)}`);
        }
      }
    }
  };
  walkItems(collection.item as Json[], '');
  return collection;
}

/** Any UUID left behind means the converter grew a new random id this module does not know yet. */
const RANDOM_ID = /"(?:id|_postman_id)":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/;

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { responses?: Record<string, { $ref?: string; content?: Record<string, unknown> }> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** `/api/v2/projects/{owner}/{repo}` → `api/v2/projects/:owner/:repo` (the converter's path). */
const converterPath = (path: string) => path.replace(/^\//, '').replace(/\{([^}]+)\}/g, ':$1');

/** Every generated request, by "METHOD /path" as in the OpenAPI document. */
function generatedRequests(collection: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  const walk = (items: Json[]) => {
    for (const item of items) {
      if (Array.isArray(item.item)) walk(item.item as Json[]);
      else {
        const request = item.request as Json;
        const url = request.url as { path?: string[] };
        out.set(`${String(request.method)} ${(url.path ?? []).join('/')}`, item);
      }
    }
  };
  walk(collection.item as Json[]);
  return out;
}

/** Documented statuses and, for each, the content types the answer may have (none: no body). */
function documentedAnswers(doc: Doc, path: string, method: string): Record<string, string[]> {
  const operation = (doc.paths?.[path] as Record<string, Operation> | undefined)?.[method];
  const out: Record<string, string[]> = {};
  for (const [status, response] of Object.entries(operation?.responses ?? {})) {
    const resolved = response.$ref ? (doc.components?.responses?.[response.$ref.split('/').pop()!] as typeof response | undefined) : response;
    out[status] = Object.keys(resolved?.content ?? {});
  }
  return out;
}

const js = (value: unknown) => JSON.stringify(value);

function stepTests(step: Step, label: string): string[] {
  const lines = [`pm.test(${js(`${label} answers ${step.status}`)}, () => pm.response.to.have.status(${step.status}));`];
  if (step.type) {
    lines.push(
      `pm.test(${js(`Content-Type is ${step.type}`)}, () => pm.expect(pm.response.headers.get('Content-Type') || '').to.match(new RegExp(${js(`^${step.type.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)})));`,
    );
  } else {
    lines.push(
      "pm.test('No body, so no Content-Type', () => {",
      "  pm.expect(pm.response.headers.has('Content-Type')).to.equal(false);",
      "  pm.expect(pm.response.text()).to.equal('');",
      '});',
    );
  }
  if (step.tests?.length) lines.push(`pm.test('The answer says what it should', () => {`, ...step.tests.map((l) => `  ${l}`), '});');
  return lines;
}

/** A JSON body with `{{var}}` placeholders; numeric ones unquoted. */
function rawBody(body: unknown): string {
  let raw = JSON.stringify(body, null, 2);
  for (const name of NUMERIC_VARIABLES) raw = raw.split(`"{{${name}}}"`).join(`{{${name}}}`);
  return raw;
}

function pathValue(path: string, name: string): string {
  if (name === 'owner' || name === 'repo' || name === 'tag') return `{{${name}}}`;
  for (const [pattern, value] of ID_VARIABLES) if (pattern.test(path)) return value;
  return `{{${name}}}`;
}

/** One request of the collection: the generated one for `step.op`, filled in as the step says. */
function scenarioItem(generated: Map<string, Json>, step: Step): Json {
  const [method = '', path = ''] = step.op.split(' ');
  const source = generated.get(`${method} ${converterPath(path)}`);
  if (!source) throw new Error(`postman scenario: no operation ${step.op} in the OpenAPI document`);
  const item = structuredClone(source);
  const request = item.request as Json;
  const url = request.url as Json;
  if (step.method) request.method = step.method;
  const variables = (url.variable as Json[] | undefined) ?? [];
  for (const v of variables) v.value = step.path?.[String(v.key)] ?? pathValue(path, String(v.key));
  url.query = Object.entries(step.query ?? {}).map(([key, value]) => ({ key, value }));
  const headers: Json[] = [];
  const accept = step.type && step.status < 400 ? step.type : 'application/json';
  const wanted: Record<string, string> = { Accept: accept, ...(step.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...step.headers };
  for (const [key, value] of Object.entries(wanted)) headers.push({ key, value });
  // The generated optional headers stay listed (disabled) as documentation.
  for (const h of (request.header as Json[] | undefined) ?? []) if (h.disabled && !(String(h.key) in wanted)) headers.push(h);
  request.header = headers;
  if (step.body !== undefined) request.body = { mode: 'raw', raw: rawBody(step.body), options: { raw: { language: 'json' } } };
  else delete request.body;
  item.name = step.name;
  item.event = [
    ...(step.prerequest ? [{ listen: 'prerequest', script: { type: 'text/javascript', exec: step.prerequest } }] : []),
    { listen: 'test', script: { type: 'text/javascript', exec: stepTests(step, `${step.method ?? method} ${path}`) } },
  ];
  if (step.noRedirect) item.protocolProfileBehavior = { followRedirects: false };
  return item;
}

/** A request outside the scenario: a read with the run's data, checked against the document. */
function contractItem(doc: Doc, generated: Map<string, Json>, path: string, method: string): Json {
  const answers = documentedAnswers(doc, path, method);
  const stream = Object.values(answers).some((types) => types.includes('text/event-stream'));
  const step: Step = { op: `${method.toUpperCase()} ${path}`, name: '', status: 0, type: null, method: stream ? 'HEAD' : undefined };
  const item = scenarioItem(generated, step);
  const source = generated.get(`${method.toUpperCase()} ${converterPath(path)}`)!;
  item.name = `${String(source.name)} (${method.toUpperCase()} ${path})`;
  item.protocolProfileBehavior = { followRedirects: false }; // a 3xx is itself the documented answer
  const request = item.request as Json;
  // Required query parameters keep their documented example.
  (request.url as Json).query = (((source.request as Json).url as Json).query as Json[] | undefined)?.filter((q) => !q.disabled) ?? [];
  request.header = ((source.request as Json).header as Json[] | undefined) ?? [];
  item.event = [
    {
      listen: 'test',
      script: {
        type: 'text/javascript',
        exec: [
          `// What the OpenAPI document says ${method.toUpperCase()} ${path} answers: status → content types.`,
          `const documented = ${js(answers)};`,
          `pm.test(${js(`${method.toUpperCase()} ${path} answers a documented status`)}, () => pm.expect(Object.keys(documented)).to.include(String(pm.response.code)));`,
          "pm.test('Content-Type is documented for that status', () => {",
          '  const types = documented[String(pm.response.code)] || [];',
          "  const type = (pm.response.headers.get('Content-Type') || '').split(';')[0].trim();",
          "  if (types.length === 0 || pm.request.method === 'HEAD' && pm.response.code === 304) return;",
          '  pm.expect(types).to.include(type);',
          '});',
          "pm.test('Not a server error', () => pm.expect(pm.response.code).to.be.below(500));",
        ],
      },
    },
  ];
  return item;
}

/** The operations of the document the collection leaves out: writes outside the scenario (v1's). */
export function leftOutOperations(doc: Doc = openApiDocument()): string[] {
  const covered = new Set([...SCENARIO, ...CLEANUP].map((s) => s.op));
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      if (!(item as Record<string, unknown>)[method]) continue;
      const op = `${method.toUpperCase()} ${path}`;
      if (!covered.has(op) && method !== 'get') out.push(op);
    }
  }
  return out;
}

export async function postmanCollection(): Promise<object> {
  const doc = structuredClone(openApiDocument());
  pinFaker();
  const raw = await convert({ ...doc, servers: [{ url: BASE_URL, description: 'Local development server' }] });
  const generated = generatedRequests(raw);
  const covered = new Set([...SCENARIO, ...CLEANUP].map((s) => s.op));
  const reads: Json[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if ((item as Record<string, unknown>).get && !covered.has(`GET ${path}`)) reads.push(contractItem(doc, generated, path, 'get'));
  }
  const collection: Json = {
    info: raw.info,
    item: [
      { name: 'Scenario (v2): a project of its own, from creation to webhook', item: SCENARIO.map((s) => scenarioItem(generated, s)) },
      { name: "Every other read (v1, deprecated, and the rest), with the run's data", item: reads },
      { name: 'Clean up', item: CLEANUP.map((s) => scenarioItem(generated, s)) },
    ],
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: SIGN_WEBHOOKS } }],
  };
  stabilise(collection);
  const documentation = `${String((raw.info as Json).description ? (((raw.info as Json).description as Json).content ?? '') : '')}`;
  (collection.info as Json).description = {
    content:
      "Runs end to end (Postman's runner or `newman run docs/postman.json --env-var baseUrl=… --env-var bearerToken=…`): set `baseUrl` and `bearerToken` (an admin token); `webhookSecret` is optional (the run's project is created with it). " +
      'The run creates a project with a unique name, works on it only, and deletes it at the end.' +
      (documentation ? `\n\n${documentation}` : ''),
    type: 'text/markdown',
  };
  collection.variable = [
    { key: 'baseUrl', value: BASE_URL, type: 'string', description: 'Where Shiplog runs.' },
    {
      key: 'bearerToken',
      value: '',
      type: 'string',
      description: 'An admin token (SHIPLOG_ADMIN_TOKEN or one with the `admin` scope): the run creates and revokes a token and reads the delivery log.',
    },
    { key: 'webhookSecret', value: '', type: 'string', description: "Optional: the secret the run's project gets and its webhook delivery is signed with (random when empty)." },
  ];
  const leftover = RANDOM_ID.exec(JSON.stringify(collection));
  if (leftover) throw new Error(`postmanCollection: a random id is left in the collection (${leftover[0]}); extend stabilise().`);
  return collection;
}
