import type { GetServerSidePropsContext, GetServerSidePropsResult, Redirect } from 'next';
import { hasScope } from '../auth/tokens';
import type { TokenScope } from '../db/schema';
import { takeFlash, type FlashMessage } from './flash';
import { loginPath } from './form-endpoint';
import { readSession, type Session } from '../auth/session';

/** Who is signed in, as the pages show it. */
export interface AdminSessionView {
  name: string;
  kind: 'bootstrap' | 'token';
  tokenId: number | null;
  scopes: TokenScope[];
  admin: boolean;
  expiresAt: string;
}

/** Props every console page gets (besides its own). */
export interface AdminPageProps {
  session: AdminSessionView;
  flash: FlashMessage | null;
  /** Set when the session lacks the page's scope: the layout shows why instead of the page. */
  forbidden?: TokenScope;
}

export type AdminProps<P> = P & AdminPageProps;

type Loaded<P> = P | { notFound: true } | { redirect: Redirect };

export function sessionView(session: Session): AdminSessionView {
  return {
    name: session.principal.name,
    kind: session.principal.kind === 'bootstrap' ? 'bootstrap' : 'token',
    tokenId: session.principal.tokenId,
    scopes: [...session.principal.scopes],
    admin: hasScope(session.principal, 'admin'),
    expiresAt: new Date(session.claims.exp * 1000).toISOString(),
  };
}

/** Sets `Cache-Control: no-store`: console pages and their answers are never cached anywhere. */
export function noStore(ctx: Pick<GetServerSidePropsContext, 'res'>): void {
  ctx.res.setHeader('Cache-Control', 'no-store');
}

/**
 * getServerSideProps for a console page: no session → the sign-in page (then back here); a session
 * without the page's scope → 403 with an explanation; else the flash meant for this page and the
 * page's own data, read through lib/ (never over HTTP).
 */
export function adminPage<P extends object>(scope: TokenScope, load: (ctx: GetServerSidePropsContext, session: Session, flash: FlashMessage | null) => Promise<Loaded<P>>) {
  return async (ctx: GetServerSidePropsContext): Promise<GetServerSidePropsResult<AdminProps<P>>> => {
    noStore(ctx);
    const session = await readSession(ctx.req);
    if (!session) return { redirect: { destination: loginPath(ctx.resolvedUrl), permanent: false } };
    const base: AdminPageProps = { session: sessionView(session), flash: null };
    if (!hasScope(session.principal, scope)) {
      ctx.res.statusCode = 403;
      return { props: { ...base, forbidden: scope } as AdminProps<P> };
    }
    base.flash = (await takeFlash(ctx.req, ctx.res, ctx.resolvedUrl)) ?? null;
    const loaded = await load(ctx, session, base.flash);
    if ('notFound' in loaded || 'redirect' in loaded) return loaded as GetServerSidePropsResult<AdminProps<P>>;
    return { props: { ...loaded, ...base } };
  };
}

/** A query parameter as one string ('' when missing). */
export function queryParam(ctx: Pick<GetServerSidePropsContext, 'query'>, name: string): string {
  const v = ctx.query[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}
