import type { GetServerSideProps } from 'next';
import Head from 'next/head';
import { takeFlash, type FlashMessage } from '@/lib/admin/flash';
import { adminPath } from '@/lib/admin/form-endpoint';
import { noStore, queryParam } from '@/lib/admin/page';
import { readSession, sessionHours } from '@/lib/auth/session';
import { SIGN_IN_LINK_MINUTES, signInPageState } from '@/lib/auth/sign-in-link';
import { Flash } from '@/lib/admin/ui/Flash';

interface Props {
  next: string;
  hours: number;
  flash: FlashMessage | null;
  /** No SHIPLOG_ADMIN_TOKEN and no token with the admin scope: say how to get in. */
  noAdmin: boolean;
  /** How long a first-start sign-in link works. */
  linkMinutes: number;
  /** The one-time link this page was opened with (`?link=`), when it is still good. */
  link: string | null;
  /** The page was opened with a link that is used or expired. */
  staleLink: boolean;
}

export const getServerSideProps: GetServerSideProps<Props> = async (ctx) => {
  noStore(ctx);
  const next = adminPath(queryParam(ctx, 'next'));
  if (await readSession(ctx.req)) return { redirect: { destination: next, permanent: false } };
  const flash = (await takeFlash(ctx.req, ctx.res, ctx.resolvedUrl)) ?? null;
  const code = queryParam(ctx, 'link');
  const state = await signInPageState(code);
  return {
    props: {
      next,
      flash,
      hours: sessionHours(),
      noAdmin: state.noAdmin,
      linkMinutes: SIGN_IN_LINK_MINUTES,
      link: state.link === 'valid' ? code! : null,
      staleLink: state.link === 'invalid',
    },
  };
};

/** What to do when there is no token yet (or the link is spent). */
function NoTokenYet({ noAdmin, linkMinutes }: { noAdmin: boolean; linkMinutes: number }) {
  return (
    <div className="hint" id="no-token">
      <p>
        {noAdmin ? <strong>This server has no admin token yet. </strong> : 'No token? '}
        {noAdmin ? (
          <>
            Open the one-time sign-in link that <code>npm start</code> printed (it works once, for {linkMinutes} minutes; restart <code>npm start</code> for a new one), or create a
            token on the server:
          </>
        ) : (
          <>Ask whoever runs this server, or create one on the server:</>
        )}
      </p>
      <pre>
        <code>npm run token -- create --name me --scopes admin</code>
      </pre>
      <p>
        or set <code>SHIPLOG_ADMIN_TOKEN</code> (16+ characters) and restart.
      </p>
    </div>
  );
}

/** Sign in with a token: a plain form (works without JavaScript) posting to /api/session. */
export default function Login({ next, flash, hours, noAdmin, linkMinutes, link, staleLink }: Props) {
  const invalid = flash?.kind === 'error';
  const heading = (
    <>
      <Head>
        <title>Sign in · Shiplog Admin</title>
      </Head>
      <h1 id="login-heading">Sign in</h1>
    </>
  );
  if (link) {
    return (
      <section className="login panel" aria-labelledby="login-heading">
        {heading}
        <form method="post" action="/api/session" className="form">
          <input type="hidden" name="link" value={link} />
          <p>This one-time link signs you in to the console with a new admin token. It works once.</p>
          <div className="actions">
            <button type="submit" className="button" autoFocus>
              Sign in with this link
            </button>
          </div>
        </form>
      </section>
    );
  }
  return (
    <section className="login panel" aria-labelledby="login-heading">
      {heading}
      <Flash flash={flash ?? (staleLink ? { kind: 'error', message: 'That sign-in link was already used or has expired.' } : null)} />
      <form method="post" action="/api/session" className="form">
        <input type="hidden" name="next" value={next} />
        <div className="form-row">
          <label htmlFor="token">Token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="current-password"
            required
            autoFocus
            spellCheck={false}
            aria-invalid={invalid || undefined}
            aria-describedby="token-hint"
          />
          <p className="hint" id="token-hint">
            A Shiplog API token with the <code>write</code> or <code>admin</code> scope, or <code>SHIPLOG_ADMIN_TOKEN</code>. The session lasts {hours} hours; revoking the token
            ends it sooner.
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Sign in
          </button>
        </div>
      </form>
      <NoTokenYet noAdmin={noAdmin} linkMinutes={linkMinutes} />
    </section>
  );
}
