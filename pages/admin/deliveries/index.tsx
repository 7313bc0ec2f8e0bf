import Head from 'next/head';
import { loadDeliveries, type DeliveriesData } from '@/lib/admin/data';
import { adminPage, queryParam, type AdminProps } from '@/lib/admin/page';
import { DeliveriesView } from '@/lib/admin/ui/DeliveriesView';

export const getServerSideProps = adminPage<{ data: DeliveriesData }>('admin', async (ctx) => ({
  data: await loadDeliveries(Object.fromEntries(['event', 'action', 'status', 'project', 'offset'].map((k) => [k, queryParam(ctx, k)]))),
}));

export default function DeliveriesPage({ data, flash }: AdminProps<{ data: DeliveriesData }>) {
  return (
    <>
      <Head>
        <title>Deliveries · Shiplog Admin</title>
      </Head>
      <DeliveriesView data={data} flash={flash} />
    </>
  );
}
