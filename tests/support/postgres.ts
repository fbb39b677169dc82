import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * A real Postgres (PGlite, with pgvector) served over the wire protocol on a free loopback port, so the
 * service connects to it with the ordinary `pg` client exactly as to a Postgres server. `stop` closes the
 * port, as a database going away does; `restart` opens it again on the same port, with the same data.
 */
export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Connections the socket server accepts at once: a few servers' pools, and the test's own. */
const MAX_CONNECTIONS = 32;

/** Starts one on `port`, or on a free port with 0. */
export async function startPostgres(port = 0): Promise<TestPostgres> {
  const db = await PGlite.create({ extensions: { vector } });
  const listen = async (port: number) => {
    const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: MAX_CONNECTIONS });
    await server.start();
    return server;
  };
  let server: PGLiteSocketServer | undefined = await listen(port);
  port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async restart() {
      server ??= await listen(port);
    },
    async close() {
      await server?.stop();
      await db.close();
    },
  };
}
