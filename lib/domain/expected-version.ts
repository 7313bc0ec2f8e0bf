/**
 * The version of a resource a writer read, when it says which (If-Match, the ETag a console form
 * carried): services check it on the locked row and throw StaleError when none of it is current.
 */
export interface ExpectedVersion {
  /** Versions the caller holds; the write goes ahead when one is current. `'any'`: whatever is current. */
  held: { id: number; version: number }[] | 'any';
  /** What a mismatch tells the caller. */
  stale: string;
}
