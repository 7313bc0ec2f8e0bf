// Browser-side calls from the console to the REST API (same origin: the session cookie authenticates).

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { pointer?: string; parameter?: string; header?: string; detail: string }[];
}

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  body: T | null;
  problem: Problem | null;
  headers: Headers;
}

export interface CallOptions {
  method?: string;
  json?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** fetch with JSON in and out; problem documents come back as `problem`, network failures as status 0. */
export async function callApi<T = unknown>(url: string, o: CallOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
  if (o.json !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method: o.method ?? 'GET', headers, body: o.json === undefined ? undefined : JSON.stringify(o.json), credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    return {
      ok: false,
      status: 0,
      body: null,
      problem: { type: '/problems/network', title: 'Network error', status: 0, detail: `The server could not be reached (${(err as Error).message}).` },
      headers: new Headers(),
    };
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  const isProblem = (res.headers.get('content-type') ?? '').startsWith('application/problem+json');
  return {
    ok: res.ok,
    status: res.status,
    body: res.ok ? (parsed as T) : null,
    problem: res.ok
      ? null
      : isProblem && parsed
        ? (parsed as Problem)
        : { type: '/problems/error', title: res.statusText || 'Error', status: res.status, detail: text.slice(0, 300) },
    headers: res.headers,
  };
}

/** A problem as one line for a flash message. */
export function problemMessage(p: Problem | null): string {
  if (!p) return 'Something went wrong.';
  // The console's calls carry only the session cookie: a 401 means the session is over.
  if (p.status === 401) return 'Your session has ended (it expired, or its token was revoked). Sign in again in another tab, then retry: nothing on this page is lost.';
  return p.detail ?? p.title;
}

/** A problem's errors per form field (the JSON Pointer's first segment, or a mapping). */
export function problemFields(p: Problem | null, map: Record<string, string> = {}): { field: string; detail: string }[] {
  return (p?.errors ?? []).map((e) => {
    const key = e.pointer ?? (e.header ? `header:${e.header}` : (e.parameter ?? ''));
    const mapped = map[key] ?? Object.entries(map).find(([k]) => key.startsWith(`${k}/`))?.[1];
    return { field: mapped ?? (e.pointer ? (e.pointer.split('/')[1] ?? '') : key), detail: e.detail };
  });
}
