import { parseArgs } from "node:util";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run db:pglite -- [--port 54329] [--dir .pglite]";

/** Serves PGlite with pgvector until stopped, and prints the DATABASE_URL to give the service. */
await runCli(async (args) => {
  const { values } = parseArgs({ args, options: { port: { type: "string", default: "54329" }, dir: { type: "string" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(USAGE);
  let servePglite: typeof import("../dev/pglite.js").servePglite;
  try {
    ({ servePglite } = await import("../dev/pglite.js"));
  } catch {
    throw new Error("PGlite is a development dependency: install it with `npm ci` (not `npm ci --omit=dev`)");
  }
  const server = await servePglite(port, { dataDir: values.dir });
  console.log(`DATABASE_URL=${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
});
