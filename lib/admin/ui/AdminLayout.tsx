import Head from 'next/head';
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useState, type ReactNode } from 'react';
import { Logo } from '../../site/ui/Logo';
import type { AdminSessionView } from '../page';
import { formatDateTime } from './format';

function NavLink({ href, children, exact = false }: { href: string; children: ReactNode; exact?: boolean }) {
  const { asPath } = useRouter();
  const path = asPath.split('?')[0] ?? '';
  const active = exact ? path === href : path === href || path.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The console's frame: its own header and navigation, who is signed in, sign out. */
export function AdminLayout({ session, forbidden, children }: { session?: AdminSessionView; forbidden?: string; children: ReactNode }) {
  // Marks the page once scripts run (forms then take the fetch path); tests wait for it.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <div className="admin" data-hydrated={hydrated ? 'true' : undefined}>
      <Head>
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="same-origin" />
      </Head>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="admin-header">
        <div className="admin-header-inner">
          <Link href={session ? '/admin' : '/'} className="brand">
            <Logo size={24} /> Shiplog <span className="admin-label">Admin</span>
          </Link>
          {session ? (
            <nav aria-label="Console" className="admin-nav">
              <NavLink href="/admin" exact>
                Projects
              </NavLink>
              <NavLink href="/admin/imports">Imports</NavLink>
              {session.admin ? <NavLink href="/admin/deliveries">Deliveries</NavLink> : null}
              {session.admin ? <NavLink href="/admin/tokens">Tokens</NavLink> : null}
              <a href="/">Site</a>
            </nav>
          ) : null}
          {session ? (
            <div className="admin-user">
              <span title={`Session ends ${formatDateTime(session.expiresAt)}`}>
                <span className="sr-only">Signed in as </span>
                <strong data-session-name>{session.name}</strong> <span className="muted">({session.scopes.join(', ')})</span>
              </span>
              <form method="post" action="/api/session/logout">
                <button type="submit" className="button link">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </div>
      </header>
      <main id="content" className="admin-main">
        {forbidden ? (
          <section className="panel">
            <Head>
              <title>Not allowed · Shiplog Admin</title>
            </Head>
            <h1>Not allowed</h1>
            <p>
              This page needs a token with the <code>{forbidden}</code> scope. You signed in with <strong>{session?.name}</strong> ({session?.scopes.join(', ')}).
            </p>
            <p>
              <Link href="/admin">Back to projects</Link>
            </p>
          </section>
        ) : (
          children
        )}
      </main>
    </div>
  );
}
