// The markdown renderer, run on worker threads (piscina) so that a large or pathological body never
// blocks the server's event loop. Plain ES module JavaScript, loaded from disk by path at run time: the
// same file serves `next start`, jest, tsx scripts and serverless functions (it is traced into them via
// next.config.js). The main thread cancels a render that runs past its time by ending the thread.
import rehypeRaw from 'rehype-raw';
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

/**
 * GitHub-flavoured markdown (tables, task lists, autolinks, footnotes, strikethrough) to HTML,
 * sanitized with GitHub's own allow-list (rehype-sanitize's default schema): scripts, event handlers
 * and `javascript:` URLs come out inert.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeRaw) // parse inline HTML (<details>, <img>) so the sanitizer, not the parser, decides
  .use(rehypeSanitize)
  .use(rehypeStringify)
  .freeze();

/**
 * One render. `started` (a shared BigInt64Array of one element) receives the time the render began,
 * so the main thread counts the time limit from then, not from when the task was queued.
 */
export default function render({ markdown, started }) {
  if (started) Atomics.store(started, 0, BigInt(Date.now()));
  return String(processor.processSync(markdown));
}
