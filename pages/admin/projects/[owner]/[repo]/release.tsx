import Head from 'next/head';
import { loadEditor, type EditorData } from '@/lib/admin/data';
import { adminPage, queryParam, type AdminProps } from '@/lib/admin/page';
import { ReleaseEditor } from '@/lib/admin/ui/ReleaseEditor';

export const getServerSideProps = adminPage<{ data: EditorData }>('write', async (ctx, _session, flash) => {
  const data = await loadEditor(String(ctx.params?.owner), String(ctx.params?.repo), queryParam(ctx, 'tag'), flash);
  return data ? { data } : { notFound: true };
});

/** The release editor: /admin/projects/{owner}/{repo}/release (new) or …/release?tag={tag} (edit). */
export default function ReleaseEditorPage({ data, flash }: AdminProps<{ data: EditorData }>) {
  const title = data.originalTag ? `Edit ${data.originalTag}` : 'New release';
  return (
    <>
      <Head>
        <title>{`${title} · ${data.project.fullName} · Shiplog Admin`}</title>
      </Head>
      <ReleaseEditor key={`${data.originalTag}|${data.etag ?? ''}|${data.fromForm}`} data={data} flash={flash} />
    </>
  );
}
