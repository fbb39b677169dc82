/**
 * The store that holds the index cannot be reached (the database is down, refuses the connection or the
 * credentials): nothing the client did, and it passes when the store is back. The server answers 503.
 */
export class StoreUnavailableError extends Error {}
