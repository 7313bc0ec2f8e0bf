import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';

/** Where a console page sits: links up the trail (`Projects / acme/rocket / …`), then the page itself. */
export function Breadcrumb({ trail, current }: { trail: { href: string; label: ReactNode }[]; current: ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      {trail.map((t) => (
        <Fragment key={t.href}>
          <Link href={t.href}>{t.label}</Link>
          {' / '}
        </Fragment>
      ))}
      <span>{current}</span>
    </nav>
  );
}
