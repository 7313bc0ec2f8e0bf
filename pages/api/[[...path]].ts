import { notFoundRoute } from '@/lib/http/method-router';

// Any /api path no other route matches: 404 problem+json for every method, never an HTML page.
export const config = { api: { bodyParser: false } };

export default notFoundRoute();
