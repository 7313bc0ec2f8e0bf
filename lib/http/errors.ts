/**
 * The one error type. Anything in lib/ or a route throws an ApiError; `route()` renders it once as
 * application/problem+json (RFC 9457). Anything else that escapes becomes a 500 with no details.
 */
export interface ProblemItem {
  /** JSON Pointer into the request body (RFC 6901), for body problems. */
  pointer?: string;
  /** Query parameter name, for query problems. */
  parameter?: string;
  /** Header name, for header problems. */
  header?: string;
  detail: string;
}

export interface ApiErrorOptions {
  detail?: string;
  /** Overrides the problem type slug (defaults to one per status). */
  type?: string;
  title?: string;
  errors?: ProblemItem[];
  headers?: Record<string, string>;
  /** Extension members added to the problem document. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

const DEFAULTS: Record<number, [slug: string, title: string]> = {
  400: ['bad-request', 'Bad Request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'],
  405: ['method-not-allowed', 'Method Not Allowed'],
  406: ['not-acceptable', 'Not Acceptable'],
  409: ['conflict', 'Conflict'],
  412: ['precondition-failed', 'Precondition Failed'],
  413: ['payload-too-large', 'Payload Too Large'],
  415: ['unsupported-media-type', 'Unsupported Media Type'],
  422: ['validation', 'Validation Failed'],
  428: ['precondition-required', 'Precondition Required'],
  429: ['rate-limited', 'Too Many Requests'],
  500: ['internal', 'Internal Server Error'],
  503: ['unavailable', 'Service Unavailable'],
};

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: ProblemItem[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(status: number, options: ApiErrorOptions = {}) {
    const [slug, title] = DEFAULTS[status] ?? ['error', 'Error'];
    super(options.detail ?? options.title ?? title, { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.type = `/problems/${options.type ?? slug}`;
    this.title = options.title ?? title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  static badRequest(detail: string, errors?: ProblemItem[], type?: string): ApiError {
    return new ApiError(400, { detail, errors, type: type ?? (errors ? 'invalid-parameters' : undefined) });
  }
  static validation(detail: string, errors: ProblemItem[]): ApiError {
    return new ApiError(422, { detail, errors });
  }
  static notFound(detail: string): ApiError {
    return new ApiError(404, { detail });
  }
  static methodNotAllowed(method: string, allow: string[]): ApiError {
    return new ApiError(405, {
      detail: `${method} is not supported here. Allowed: ${allow.join(', ')}.`,
      headers: { Allow: allow.join(', ') },
    });
  }
  static unsupportedMediaType(got: string | undefined, accepted: string[], headers?: Record<string, string>): ApiError {
    return new ApiError(415, {
      detail: `${got ? `Content-Type ${got} is not accepted` : 'A Content-Type header is required'}; send one of: ${accepted.join(', ')}.`,
      errors: [{ header: 'Content-Type', detail: `must be one of ${accepted.join(', ')}` }],
      headers,
      extensions: { accepted },
    });
  }
  static unavailable(detail: string, retryAfterSeconds = 5): ApiError {
    return new ApiError(503, { detail, headers: { 'Retry-After': String(retryAfterSeconds) } });
  }
}

/**
 * `text` cut to at most `max` characters (an ellipsis marks the cut; a surrogate pair is never split):
 * error messages quote what the client sent, and must not echo a huge input back at full length.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The most problem items one document lists, and the longest text any of its members holds. */
export const PROBLEM_LIMITS = { errors: 20, detail: 1_000, itemDetail: 300, name: 200, instance: 1_000 } as const;

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError || (err instanceof Error && err.name === 'ApiError' && 'status' in err);
}
