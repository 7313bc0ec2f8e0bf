const dateFormat = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Dates render the same on the server and in the browser (UTC), so hydration never disagrees. */
export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
