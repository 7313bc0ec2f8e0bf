import { createHash } from 'node:crypto';
import * as Converter from 'openapi-to-postmanv2';
import { openApiDocument } from './document';

/**
 * The OpenAPI document as a Postman collection (docs/postman.json, `npm run postman`).
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

export async function postmanCollection(): Promise<object> {
  const doc = structuredClone(openApiDocument());
  pinFaker();
  const raw = await convert({ ...doc, servers: [{ url: BASE_URL, description: 'Local development server' }] });
  const collection = stabilise(raw);
  collection.variable = [
    { key: 'baseUrl', value: BASE_URL, type: 'string', description: 'Where Shiplog runs.' },
    { key: 'bearerToken', value: '', type: 'string', description: 'An API token (`write` to change data, `admin` for tokens), or SHIPLOG_ADMIN_TOKEN.' },
  ];
  const leftover = RANDOM_ID.exec(JSON.stringify(collection));
  if (leftover) throw new Error(`postmanCollection: a random id is left in the collection (${leftover[0]}); extend stabilise().`);
  return collection;
}
