/** Longest search query accepted (API `q=` and the search pages); safe to import from browser code. */
export const SEARCH_MAX = 200;
