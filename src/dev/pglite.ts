import { PGlite } from "@electric-sql/pglite";
import { fuzzystrmatch } from "@electric-sql/pglite/contrib/fuzzystrmatch";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * Postgres with pgvector, compiled to WebAssembly (PGlite) and served over the Postgres wire protocol on
 * a loopback port, so the service connects with the ordinary `pg` client exactly as to a Postgres server.
 * For tests, benchmarks and trying VECTOR_STORE=pgvector without installing Postgres; not for production:
 * it runs every query one after another, in one session (so advisory locks do not exclude).
 */
export interface PgliteServer {
  url: string;
  /** Closes the port, as a database going away does; the data stays. */
  stop(): Promise<void>;
  /** Opens the port again, on the same number, with the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Connections accepted at once: a few servers' pools, and a test's own. */
const MAX_CONNECTIONS = 32;

/**
 * Serves a database kept in `dataDir` (in memory without it) on `port` (a free one with 0), with the extensions
 * the database store creates (pgvector, and for keyword search pg_trgm and fuzzystrmatch) unless `bare`.
 */
export async function servePglite(port = 0, { dataDir, bare = false }: { dataDir?: string; bare?: boolean } = {}): Promise<PgliteServer> {
  const db = await PGlite.create({ dataDir, extensions: bare ? {} : { vector, pg_trgm, fuzzystrmatch } });
  const listen = async (on: number) => {
    const server = new PGLiteSocketServer({ db, port: on, host: "127.0.0.1", maxConnections: MAX_CONNECTIONS });
    runSequencesWhole(server);
    await server.start();
    return server;
  };
  let server: PGLiteSocketServer | undefined = await listen(port);
  const bound = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${bound}/postgres`,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async restart() {
      server ??= await listen(bound);
    },
    async close() {
      await server?.stop();
      await db.close();
    },
  };
}

/** What of pglite-socket's (0.2.17) connection queue this reaches into: its `enqueue`, one protocol message at a time. */
interface ConnectionQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
}

/** Parse, Bind, Describe, Execute and Close: the messages of an extended-protocol query before its Sync. */
const EXTENDED_QUERY_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43]);

/**
 * pglite-socket queues each protocol message on its own, and PGlite is one backend for every connection,
 * so two connections' parameterised queries (Parse, Bind, …, Sync) interleave: one binds the other's
 * statement ("portal does not exist", a keyword string read as a vector). This holds a connection's
 * messages until the Sync that ends its query, and queues them as one.
 */
function runSequencesWhole(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: ConnectionQueue }).queryQueue;
  const enqueue = queue.enqueue.bind(queue);
  const held = new Map<number, Uint8Array[]>();
  queue.enqueue = (handlerId, message, onData) => {
    const waiting = held.get(handlerId) ?? [];
    if (EXTENDED_QUERY_MESSAGES.has(message[0]!)) {
      held.set(handlerId, [...waiting, message]);
      return Promise.resolve(0);
    }
    held.delete(handlerId);
    return enqueue(handlerId, waiting.length === 0 ? message : Buffer.concat([...waiting, message]), onData);
  };
}
