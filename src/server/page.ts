import { Hono, type Context } from "hono";
import { buildPage, type PageAsset } from "../ui/build.js";

/**
 * The page runs only its own script and style and talks only to this server: a second line of
 * defence should document text ever reach the DOM as HTML.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The chat page at `/`, compiled once here and then served from memory. */
export async function createPageRoutes(): Promise<Hono> {
  const page = await buildPage();
  const routes = new Hono();
  routes.get("/", (c) => serveAsset(c, page.html, { "content-security-policy": CONTENT_SECURITY_POLICY }));
  routes.get("/app.css", (c) => serveAsset(c, page.css));
  routes.get("/app.js", (c) => serveAsset(c, page.js));
  return routes;
}

/** `no-cache` plus an ETag: the browser keeps its copy and asks with a cheap 304 whether it changed. */
function serveAsset(c: Context, asset: PageAsset, headers: Record<string, string> = {}): Response {
  const common = { etag: asset.etag, "cache-control": "no-cache", "x-content-type-options": "nosniff", ...headers };
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, common);
  return c.body(asset.body, 200, { "content-type": asset.contentType, ...common });
}
