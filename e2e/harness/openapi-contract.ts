import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Checks real HTTP exchanges against an OpenAPI 3.1 document (the one the server serves): the status
 * must be documented for the operation, the Content-Type must be one documented for that status (or no
 * body where none is documented), the body must validate against the documented schema (Ajv, JSON
 * Schema 2020-12, formats checked), every documented response header marked `required` must be present
 * and every documented header that is present must match its schema.
 */

export type OpenApi = {
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  servers?: unknown[];
  [k: string]: unknown;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'] as const;

export interface Operation {
  /** `GET /api/v2/projects/{owner}/{repo}` */
  key: string;
  method: string;
  path: string;
  /** JSON pointer of the operation object in the document. */
  pointer: string;
  operationId?: string;
  security?: Record<string, string[]>[];
  /** Documented statuses (as written: `200`, `4XX`, `default`). */
  statuses: string[];
  requestBodyTypes: string[];
  raw: Record<string, unknown>;
}

const esc = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class Contract {
  readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApi) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI 3.1's own annotation keywords inside schemas (everything else is JSON Schema 2020-12).
    for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) this.ajv.addKeyword({ keyword });
    // The document itself is added as one schema resource, so that `#/components/...` references
    // resolve as written; its OpenAPI members are not schema keywords (Ajv never compiles them).
    for (const keyword of ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']) this.ajv.addKeyword({ keyword });
    this.ajv.addSchema(doc as object, 'openapi.json');
  }

  operations(): Operation[] {
    const out: Operation[] = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const method of HTTP_METHODS) {
        const raw = item[method] as Record<string, unknown> | undefined;
        if (!raw) continue;
        const body = raw.requestBody ? (this.resolve(raw.requestBody).node as { content?: Record<string, unknown> }) : undefined;
        out.push({
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pointer: `/paths/${esc(path)}/${method}`,
          operationId: raw.operationId as string | undefined,
          security: (raw.security ?? this.doc.security) as Operation['security'],
          statuses: Object.keys((raw.responses as object) ?? {}),
          requestBodyTypes: Object.keys(body?.content ?? {}),
          raw,
        });
      }
    }
    return out;
  }

  /** Follows `$ref`s (local ones) from a node; returns the node and its JSON pointer. */
  resolve(node: unknown, pointer = ''): { node: Record<string, unknown>; pointer: string } {
    let current = node as Record<string, unknown>;
    let at = pointer;
    for (let i = 0; current && typeof current.$ref === 'string'; i++) {
      if (i > 20) throw new Error(`$ref loop at ${at}`);
      const ref = current.$ref as string;
      if (!ref.startsWith('#')) throw new Error(`only local $refs are expected: ${ref}`);
      at = ref.slice(1);
      current = this.get(at) as Record<string, unknown>;
      if (current === undefined) throw new Error(`dangling $ref ${ref}`);
    }
    return { node: current, pointer: at };
  }

  get(pointer: string): unknown {
    let node: unknown = this.doc;
    for (const part of pointer.split('/').slice(1)) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      node = (node as Record<string, unknown> | undefined)?.[key];
    }
    return node;
  }

  validator(pointer: string): ValidateFunction {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      const fragment = pointer
        .split('/')
        .map((p) => encodeURIComponent(p))
        .join('/');
      fn = this.ajv.compile({ $ref: `openapi.json#${fragment}` });
      this.compiled.set(pointer, fn);
    }
    return fn;
  }

  /** The documented response for a status (exact, then `4XX`, then `default`). */
  response(op: Operation, status: number): { key: string; node: Record<string, unknown>; pointer: string } | undefined {
    const responses = op.raw.responses as Record<string, unknown>;
    for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
      if (responses[key]) return { key, ...this.resolve(responses[key], `${op.pointer}/responses/${esc(key)}`) };
    }
    return undefined;
  }

  /**
   * Everything wrong with one response. `head` (a HEAD request): no body to check. `body` may be a
   * prefix of an endless body (the event stream); `partial` says so (then only its framing is checked).
   */
  check(op: Operation, res: { status: number; headers: Headers }, body: Buffer, opts: { head?: boolean; partial?: boolean } = {}): string[] {
    const problems: string[] = [];
    const documented = this.response(op, res.status);
    if (!documented) return [`status ${res.status} is not documented (documented: ${op.statuses.join(', ')})`];
    const response = documented.node;
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    const contentType = res.headers.get('content-type');
    const media = contentType?.split(';')[0]!.trim().toLowerCase();

    // Headers: required ones present, present ones valid.
    const headers = (response.headers ?? {}) as Record<string, unknown>;
    for (const [name, ref] of Object.entries(headers)) {
      if (name.toLowerCase() === 'content-type') continue; // ignored by OpenAPI
      const header = this.resolve(ref, `${documented.pointer}/headers/${esc(name)}`);
      const value = res.headers.get(name);
      if (value === null) {
        if (header.node.required === true) problems.push(`required header ${name} is missing`);
        continue;
      }
      if (header.node.schema) {
        const schema = this.resolve(header.node.schema, `${header.pointer}/schema`);
        const type = schema.node.type;
        const parsed = type === 'integer' || type === 'number' ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : value;
        const validate = this.validator(schema.pointer);
        if (!validate(parsed)) problems.push(`header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`);
      }
    }

    if (!content || Object.keys(content).length === 0) {
      if (body.length > 0) problems.push(`a body (${contentType ?? 'no Content-Type'}, ${body.length} bytes) where none is documented`);
      return problems;
    }
    if (!media) {
      if (!opts.head || body.length > 0) problems.push(`no Content-Type (documented: ${Object.keys(content).join(', ')})`);
      return problems;
    }
    const mediaKey = Object.keys(content).find((k) => k.toLowerCase() === media) ?? Object.keys(content).find((k) => matchesRange(k, media));
    if (!mediaKey) {
      problems.push(`Content-Type ${contentType} is not documented for ${res.status} (documented: ${Object.keys(content).join(', ')})`);
      return problems;
    }
    if (opts.head) return problems;
    const schemaNode = content[mediaKey]!.schema;
    if (!schemaNode) return problems;
    const schemaPointer = `${documented.pointer}/content/${esc(mediaKey)}/schema`;
    const validate = this.validator(schemaPointer);
    const text = body.toString('utf8');
    const validateOne = (value: unknown, what: string) => {
      if (!validate(value)) problems.push(`${what} fails the documented schema: ${explain(validate.errors)}`);
    };
    if (media === 'application/x-ndjson') {
      const lines = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
      if (lines.length === 0) problems.push('an empty NDJSON body');
      lines.forEach((line, i) => {
        try {
          validateOne(JSON.parse(line), `NDJSON line ${i + 1}`);
        } catch (err) {
          problems.push(`NDJSON line ${i + 1} is not JSON: ${(err as Error).message}`);
        }
      });
    } else if (media === 'application/json' || media.endsWith('+json')) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        problems.push(`the body is not JSON: ${(err as Error).message}`);
        return problems;
      }
      validateOne(value, 'the body');
    } else if (!opts.partial) {
      validateOne(text, 'the body');
    } else if (text.length === 0) {
      problems.push('the stream sent nothing');
    }
    return problems;
  }
}

/** Ajv's errors, each with what it is about (the extra member, the missing one, the allowed values). */
function explain(errors: ValidateFunction['errors']): string {
  return (errors ?? [])
    .slice(0, 12)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ''}${e.keyword === 'enum' || e.keyword === 'const' ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}

function matchesRange(range: string, media: string): boolean {
  if (range === '*/*') return true;
  const [type, sub] = range.toLowerCase().split('/');
  return sub === '*' && media.startsWith(`${type}/`);
}
