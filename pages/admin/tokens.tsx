import Head from 'next/head';
import { loadTokens } from '@/lib/admin/data';
import { adminPage, type AdminProps } from '@/lib/admin/page';
import { TokensPanel } from '@/lib/admin/ui/TokensPanel';
import type { TokenView } from '@/lib/tokens/repo';

export const getServerSideProps = adminPage<{ tokens: TokenView[] }>('admin', async () => loadTokens());

export default function TokensPage({ tokens, flash, session }: AdminProps<{ tokens: TokenView[] }>) {
  return (
    <>
      <Head>
        <title>Tokens · Shiplog Admin</title>
      </Head>
      <TokensPanel tokens={tokens} flash={flash} sessionTokenId={session.tokenId} />
    </>
  );
}
