import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { hashOf, KEY_NAME, newKey, ROLES, type ApiKeyStore, type Role } from "../keys/api-key.js";
import { openApiKeyStore } from "../keys/open.js";
import { runCli, UsageError } from "./run.js";

const USAGE = [
  "npm run keys -- create --name NAME --role read|write   prints a new key, once",
  "npm run keys -- list                                    names, roles, created and last used",
  "npm run keys -- revoke NAME                             every server refuses it within 2 s",
].join("\n");

/**
 * API keys, kept where the index is (under DATA_DIR, or in the database with VECTOR_STORE=pgvector), so the
 * running servers pick up each change without a restart. A key is printed once, when created, and never kept.
 */
await runCli(async (args) => {
  const [command, ...rest] = args;
  const store = openApiKeyStore(loadConfig());
  try {
    if (command === "create") await create(store, rest);
    else if (command === "list") await list(store, rest);
    else if (command === "revoke") await revoke(store, rest);
    else throw new UsageError(`${command ? `unknown command "${command}"` : "no command"}; one of:\n${USAGE}`);
  } finally {
    await store.close();
  }
});

async function create(store: ApiKeyStore, args: string[]): Promise<void> {
  const { name, role } = parsed(args, { name: { type: "string" }, role: { type: "string" } }).values;
  if (!name || !KEY_NAME.test(name))
    throw new UsageError(`--name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit\n${USAGE}`);
  if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be read or write\n${USAGE}`);
  const key = newKey();
  await store.add({ name, role: role as Role, sha256: hashOf(key).toString("hex"), createdAt: new Date().toISOString() });
  console.log(`Created the ${role} key "${name}". It is shown only now; send it as Authorization: Bearer <key>.`);
  console.log(key);
}

async function list(store: ApiKeyStore, args: string[]): Promise<void> {
  parsed(args, {});
  const keys = await store.list();
  if (keys.length === 0) {
    console.log("No API keys: every read is open. Create one with npm run keys -- create --name NAME --role read|write");
    return;
  }
  const rows = [["name", "role", "created", "last used"], ...keys.map((k) => [k.name, k.role, k.createdAt, k.lastUsedAt ?? "never"])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    );
}

async function revoke(store: ApiKeyStore, args: string[]): Promise<void> {
  const [name, ...extra] = parsed(args, {}, true).positionals;
  if (!name || extra.length > 0) throw new UsageError(`name one key to revoke\n${USAGE}`);
  if (!(await store.revoke(name))) throw new Error(`no key named "${name}" (npm run keys -- list shows them)`);
  console.log(`Revoked "${name}": every server refuses it within 2 s.`);
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

function parsed<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}
