// Card images (Open Graph / Twitter, 1200×630 PNG) of projects and releases, drawn with `next/og`
// (satori + resvg, WebAssembly) in the Node.js runtime: no browser, no native module, so it runs the
// same under `next start`, on Node 20 and in Vercel's Node functions.
import { ImageResponse } from 'next/og';
import { LRUCache } from 'lru-cache';
import { contentHash } from '../http/conditional';
import { OG_IMAGE_HEIGHT, OG_IMAGE_WIDTH, SITE_NAME } from './meta';

/** What a card shows; its ETag is a hash of this (and of CARD_DESIGN), so a 304 never draws anything. */
export interface Card {
  /** `owner/repo`. */
  project: string;
  title: string;
  /** The release's tag (release cards). */
  tag: string | null;
  /** A date, or a count of releases, under the title. */
  detail: string;
  summary: string;
  prerelease: boolean;
}

/** Bump when the drawing changes: every card gets a new ETag. */
const CARD_DESIGN = '2';

export function cardEtag(card: Card): string {
  return `"og${CARD_DESIGN}-${contentHash(JSON.stringify(card))}"`;
}

/**
 * Text the bundled font (Geist, Latin) can draw. next/og fetches a missing script's font from Google
 * Fonts and emoji from a CDN at render time: a server must not depend on that (nor wait for it), so
 * emoji and other scripts are left out of the card (the page itself shows them).
 */
export function drawable(text: string): string {
  return text
    .replace(/[^\u0020-\u024f\u2010-\u2027\u2030-\u205e\u20a0-\u20bf\u2122\u2190-\u2193]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const clip = (text: string, max: number) => {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .replace(/\s+\S*$/, '')}…`;
};

function CardView({ card }: { card: Card }) {
  const title = clip(drawable(card.title) || card.tag || card.project, 80);
  const summary = clip(drawable(card.summary), 150);
  const long = title.length > 40;
  return (
    <div
      style={{
        width: '100%',
        height: '100%',
        display: 'flex',
        flexDirection: 'column',
        justifyContent: 'space-between',
        padding: '64px 72px',
        background: 'linear-gradient(135deg, #0b1220 0%, #111c33 60%, #1b2b4d 100%)',
        color: '#e8edf7',
        fontSize: 32,
      }}
    >
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <div style={{ display: 'flex', alignItems: 'center', fontSize: 30, color: '#9fb3d9' }}>
          <svg width="44" height="44" viewBox="0 0 32 32" style={{ marginRight: 16 }}>
            <path d="M16 3 L16 22 L6 22 Z" fill="#5b9dff" />
            <path d="M18 8 L18 22 L26 22 Z" fill="#9fc4ff" />
            <path d="M3 24 H29 L25 29 H7 Z" fill="#e8edf7" />
          </svg>
          {SITE_NAME}
        </div>
        <div style={{ display: 'flex', fontSize: 28, color: '#9fb3d9' }}>{drawable(card.project)}</div>
      </div>
      <div style={{ display: 'flex', flexDirection: 'column' }}>
        <div style={{ display: 'flex', fontSize: long ? 60 : 76, lineHeight: 1.1, letterSpacing: -1, color: '#ffffff' }}>{title}</div>
        <div style={{ display: 'flex', alignItems: 'center', marginTop: 28, fontSize: 30, color: '#c4d2ec' }}>
          {card.tag && !title.includes(card.tag) ? (
            <div style={{ display: 'flex', padding: '6px 18px', borderRadius: 999, background: '#23406f', color: '#dbe8ff', marginRight: 20 }}>{clip(drawable(card.tag), 40)}</div>
          ) : null}
          {card.prerelease ? (
            <div style={{ display: 'flex', padding: '6px 18px', borderRadius: 999, background: '#5a3b00', color: '#ffd88a', marginRight: 20 }}>Pre-release</div>
          ) : null}
          <div style={{ display: 'flex' }}>{drawable(card.detail)}</div>
        </div>
      </div>
      <div style={{ display: 'flex', fontSize: 30, lineHeight: 1.4, color: '#b3c2de', minHeight: 84 }}>{summary}</div>
    </div>
  );
}

/** Drawn cards by ETag: one drawing per card and process while it is asked for. */
const drawn = new LRUCache<string, Buffer>({ max: 200, maxSize: 32 * 1024 * 1024, sizeCalculation: (b) => b.byteLength || 1 });

/** The card as a PNG (1200×630). */
export async function drawCard(card: Card): Promise<Buffer> {
  const etag = cardEtag(card);
  const hit = drawn.get(etag);
  if (hit) return hit;
  const response = new ImageResponse(<CardView card={card} />, { width: OG_IMAGE_WIDTH, height: OG_IMAGE_HEIGHT });
  const png = Buffer.from(await response.arrayBuffer());
  drawn.set(etag, png);
  return png;
}
