export { servePglite as startPostgres, type PgliteServer as TestPostgres } from "../../src/dev/pglite.js";
