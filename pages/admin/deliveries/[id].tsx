import Head from 'next/head';
import Link from 'next/link';
import { useRouter } from 'next/router';
import { useEffect, useState } from 'react';
import { loadDelivery, type DeliveryDetail } from '@/lib/admin/data';
import type { FlashMessage } from '@/lib/admin/flash';
import { adminPage, type AdminProps } from '@/lib/admin/page';
import { projectAdminPath, splitFullName } from '@/lib/admin/paths';
import { Breadcrumb } from '@/lib/admin/ui/Breadcrumb';
import { ReplayButton } from '@/lib/admin/ui/DeliveriesView';
import { Flash } from '@/lib/admin/ui/Flash';
import { StatusBadge } from '@/lib/admin/ui/StatusBadge';
import { formatDateTime } from '@/lib/admin/ui/format';

export const getServerSideProps = adminPage<{ delivery: DeliveryDetail }>('admin', async (ctx) => {
  const raw = String(ctx.params?.id ?? '');
  const delivery = /^\d{1,9}$/.test(raw) ? await loadDelivery(Number(raw)) : undefined;
  return delivery ? { delivery } : { notFound: true };
});

/** One delivery: what GitHub sent (pretty-printed), what Shiplog did with it, and Replay. */
export default function DeliveryPage({ delivery, flash: initialFlash }: AdminProps<{ delivery: DeliveryDetail }>) {
  const router = useRouter();
  const [flash, setFlash] = useState<Pick<FlashMessage, 'kind' | 'message'> | null>(initialFlash);
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);
  const project = delivery.project ? splitFullName(delivery.project) : undefined;
  return (
    <>
      <Head>
        <title>{`Delivery ${delivery.id} · Shiplog Admin`}</title>
      </Head>
      <Breadcrumb trail={[{ href: '/admin/deliveries', label: 'Deliveries' }]} current={delivery.id} />
      <div className="page-head">
        <h1>
          Delivery {delivery.id} <StatusBadge status={delivery.status} />
        </h1>
        <ReplayButton
          id={delivery.id}
          enhanced={enhanced}
          onDone={(f) => {
            setFlash(f);
            void router.replace(router.asPath, undefined, { scroll: false });
          }}
        />
      </div>
      <Flash flash={flash} />
      <section className="panel" aria-label="Details">
        <dl className="facts">
          <dt>Event</dt>
          <dd className="mono">
            {delivery.event}
            {delivery.action ? `.${delivery.action}` : ''}
          </dd>
          <dt>Project</dt>
          <dd>{project ? <Link href={projectAdminPath(project)}>{delivery.project}</Link> : <span className="muted">none</span>}</dd>
          <dt>Received</dt>
          <dd>{formatDateTime(delivery.receivedAt)}</dd>
          <dt>GitHub delivery id</dt>
          <dd className="mono">{delivery.guid}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={delivery.status} /> {delivery.outcome}
          </dd>
          {delivery.error ? (
            <>
              <dt>Error</dt>
              <dd className="field-error">{delivery.error}</dd>
            </>
          ) : null}
          <dt>Resent by GitHub</dt>
          <dd>{delivery.duplicates} time(s)</dd>
          <dt>Last replayed</dt>
          <dd>{formatDateTime(delivery.replayedAt)}</dd>
        </dl>
      </section>
      <h2 id="payload-heading">Payload</h2>
      <pre className="payload" aria-labelledby="payload-heading" tabIndex={0}>
        <code>{delivery.payloadJson}</code>
      </pre>
    </>
  );
}
