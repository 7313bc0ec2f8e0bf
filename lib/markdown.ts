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
 * and `javascript:` URLs come out inert. Rendered once when a release is stored; every reader reuses it.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeRaw) // parse inline HTML (<details>, <img>) so the sanitizer, not the parser, decides
  .use(rehypeSanitize)
  .use(rehypeStringify)
  .freeze();

export function renderMarkdown(markdown: string): string {
  return String(processor.processSync(markdown));
}
