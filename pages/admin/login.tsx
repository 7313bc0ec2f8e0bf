import type { GetServerSideProps } from 'next';
import Head from 'next/head';
import { takeFlash, type FlashMessage } from '@/lib/admin/flash';
import { adminPath } from '@/lib/admin/forms';
import { noStore, queryParam } from '@/lib/admin/page';
import { readSession, sessionHours } from '@/lib/admin/session';
import { Flash } from '@/lib/admin/ui/Flash';

interface Props {
  next: string;
  hours: number;
  flash: FlashMessage | null;
}

export const getServerSideProps: GetServerSideProps<Props> = async (ctx) => {
  noStore(ctx);
  const next = adminPath(queryParam(ctx, 'next'));
  if (await readSession(ctx.req)) return { redirect: { destination: next, permanent: false } };
  const flash = (await takeFlash(ctx.req, ctx.res, ctx.resolvedUrl)) ?? null;
  return { props: { next, flash, hours: sessionHours() } };
};

/** Sign in with a token: a plain form (works without JavaScript) posting to /api/session. */
export default function Login({ next, flash, hours }: Props) {
  const invalid = flash?.kind === 'error';
  return (
    <section className="login panel" aria-labelledby="login-heading">
      <Head>
        <title>Sign in · Shiplog Admin</title>
      </Head>
      <h1 id="login-heading">Sign in</h1>
      <Flash flash={flash} />
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
            A Shiplog API token with the <code>write</code> or <code>admin</code> scope, or <code>SHIPLOG_ADMIN_TOKEN</code>. The session lasts {hours} hours; revoking the token ends it sooner.
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Sign in
          </button>
        </div>
      </form>
    </section>
  );
}
