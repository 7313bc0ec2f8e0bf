import { NextResponse, type NextRequest } from 'next/server';
import { acceptRequestId } from './lib/http/request-id';
import { API_VERSIONS, chooseVersion, NEGOTIATED_HEADER } from './lib/http/api-versions';
import { vercelBodyTooLarge } from './lib/http/vercel';

/**
 * Unversioned API paths (`/api/projects/...`, `/api/releases`, `/api/tokens/...`, `/api/deliveries/...`,
 * `/api/stream`) are answered by the
 * version the client names (API-Version / version header, or application/vnd.shiplog.vN+json), else
 * the latest, by rewriting to `/api/vN/...`. The matcher is deliberately narrow: the versioned hot
 * path (`/api/v1/...`, `/api/v2/...`) and every page never run middleware.
 */
export function middleware(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith('/api/webhooks/')) return webhookOnVercel(request);
  const choice = chooseVersion(request.headers);
  if (!choice.ok) {
    const requestId = acceptRequestId(request.headers.get('x-request-id'));
    const problem = {
      type: '/problems/unknown-version',
      title: 'Bad Request',
      status: 400,
      detail: `API version "${choice.asked}" (from ${choice.source}) does not exist. Versions: ${API_VERSIONS.join(', ')}.`,
      instance: request.nextUrl.pathname,
      requestId,
      errors: [{ header: choice.source, detail: `must be one of ${API_VERSIONS.join(', ')}` }],
    };
    return new NextResponse(JSON.stringify(problem), {
      status: 400,
      headers: {
        'Content-Type': 'application/problem+json; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Request-Id': requestId,
        Vary: 'API-Version, Version, Accept',
      },
    });
  }
  const url = request.nextUrl.clone();
  url.pathname = `/api/v${choice.version}${url.pathname.slice('/api'.length)}`;
  // Tell the route the version was negotiated from headers: its answer must then Vary on them.
  const headers = new Headers(request.headers);
  headers.set(NEGOTIATED_HEADER, choice.version);
  return NextResponse.rewrite(url, { request: { headers } });
}

/**
 * On Vercel, a webhook body over the platform's 4.5 MB is answered 413 problem+json here, before the
 * platform refuses it in plain text; elsewhere (and under the limit) the request goes on untouched.
 */
function webhookOnVercel(request: NextRequest) {
  const requestId = acceptRequestId(request.headers.get('x-request-id'));
  const problem = vercelBodyTooLarge(request.headers.get('content-length'), request.nextUrl.pathname, requestId);
  if (!problem) return NextResponse.next();
  return new NextResponse(JSON.stringify(problem), {
    status: 413,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Request-Id': requestId, Connection: 'close' },
  });
}

export const config = {
  // Kept equal to the versioned areas of the API by lib/api/middleware-matcher.test.ts (Next.js needs a literal here).
  matcher: ['/api/projects/:path*', '/api/releases', '/api/tokens/:path*', '/api/deliveries/:path*', '/api/stream', '/api/webhooks/:path*'],
};
