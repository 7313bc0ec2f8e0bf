/**
 * Markdown a request sent, rendered before any transaction (lib/markdown/submitted.ts): a refused body
 * answers 413 when too long, 422 when it takes too long or cannot be rendered, naming the field; 503
 * with Retry-After when every renderer is busy (the mapping is toApiError's, lib/http/problem.ts).
 */
export { renderSubmittedMarkdown as renderRequestMarkdown } from '../markdown/submitted';
