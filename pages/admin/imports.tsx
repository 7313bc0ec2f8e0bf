import Head from 'next/head';
import { loadImports, type ImportsData } from '@/lib/admin/data';
import { adminPage, queryParam, type AdminProps } from '@/lib/admin/page';
import { ImportsPanel, TERMINAL } from '@/lib/admin/ui/ImportsPanel';

export const getServerSideProps = adminPage<{ data: ImportsData }>('write', async (ctx) => {
  const id = queryParam(ctx, 'import');
  return { data: await loadImports(queryParam(ctx, 'project'), /^\d{1,9}$/.test(id) ? Number(id) : undefined) };
});

export default function ImportsPage({ data, flash }: AdminProps<{ data: ImportsData }>) {
  const running = !!data.current && !TERMINAL.includes(data.current.state);
  return (
    <>
      <Head>
        <title>Imports · Shiplog Admin</title>
        {/* Without scripts, the page refreshes itself while an import runs. */}
        {running ? (
          <noscript>
            <meta httpEquiv="refresh" content="1" />
          </noscript>
        ) : null}
      </Head>
      <ImportsPanel key={data.current?.id ?? 'none'} data={data} flash={flash} />
    </>
  );
}
