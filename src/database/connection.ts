import pg from "pg";
import { StoreUnavailableError } from "./unavailable.js";

/**
 * HNSW candidates a pgvector search keeps (`hnsw.ef_search`): at 100,000 vectors, with pgvector's default
 * graph (m 16, ef_construction 64), recall@10 was 0.9845 at 100 and 0.9910 at 200 (`npm run bench:recall --
 * --store pgvector`); pgvector's own default, 40, gave 0.854.
 */
const PG_EF_SEARCH = 200;

/** Connections each server keeps: questions run their two searches side by side, a few questions at a time. */
const POOL_SIZE = 4;
/** How long a connection attempt may take before the database counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * A pool of connections to `url`. A connection that breaks (the database restarted) is dropped and
 * replaced on the next query, never an unhandled error; every new one searches with PG_EF_SEARCH candidates.
 */
export function connectDatabase(url: string): pg.Pool {
  // Idle connections do not keep a command (`npm run eval`) from ending.
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    allowExitOnIdle: true,
    // Awaited before the connection is first used.
    onConnect: async (client) => {
      await client.query(`SET hnsw.ef_search = ${PG_EF_SEARCH}`);
    },
  });
  pool.on("error", () => {});
  // A connection that breaks while checked out but between queries (the lock's, a snapshot's) emits an error
  // of its own, which would end the process unheard; its next query fails instead, and the pool drops it.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/** Node's network errors and Postgres's connection, start-up and login failures (SQLSTATE classes 08, 28, 57P, 3D). */
const UNAVAILABLE_CODES = /^(E[A-Z]+|08...|28...|57P0[1-3]|3D000)$/;

/** Whether `error` says the database cannot be reached or used now, rather than that a query was wrong. */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_CODES.test(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}

/** Runs `query`, turning a failure to reach the database into StoreUnavailableError. */
export async function reaching<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError(`the database cannot be reached (${describeFailure(error)})`);
    throw error;
  }
}

/** One line saying why the database could not be used, with the fix where there is an obvious one. */
export function describeFailure(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused: is Postgres running at DATABASE_URL's host and port?";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "unknown host in DATABASE_URL";
    case "28P01":
    case "28000":
      return `login refused: ${e.message}; check the user and password in DATABASE_URL`;
    case "3D000":
      return `${e.message}; create it or fix DATABASE_URL`;
    case "0A000":
    case "58P01":
      // An extension the schema needs is not installed on the database server.
      return /extension/i.test(e.message ?? "")
        ? `${e.message}: the database needs pgvector, pg_trgm and fuzzystrmatch (the pgvector/pgvector images and managed Postgres offerings have all three)`
        : (e.message ?? String(error));
    default:
      return e.message || String(error);
  }
}
