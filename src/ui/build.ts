import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface PageAsset {
  body: string;
  contentType: string;
  /** A strong validator of `body`, so a browser can revalidate instead of downloading again. */
  etag: string;
}

export interface PageAssets {
  html: PageAsset;
  css: PageAsset;
  js: PageAsset;
}

/**
 * The page's sources: this module's folder when it runs from src/ui, and src/ui again when it runs compiled
 * from dist/ui (`npm run build` compiles only this module of the page; the rest is bundled here).
 */
const UI_DIR =
  [new URL(".", import.meta.url), new URL("../../src/ui/", import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(`${dir}main.ts`)) ?? fileURLToPath(new URL(".", import.meta.url));

/**
 * Compiles the chat page's TypeScript into one ES module and minifies its CSS, in memory: no
 * files are written and nothing is downloaded. Takes tens of milliseconds, so it runs at startup.
 */
export async function buildPage(): Promise<PageAssets> {
  const [html, bundle] = await Promise.all([
    readFile(`${UI_DIR}index.html`, "utf8"),
    build({
      entryPoints: [`${UI_DIR}main.ts`, `${UI_DIR}styles.css`],
      bundle: true,
      format: "esm",
      target: "es2022",
      minify: true,
      legalComments: "none",
      charset: "utf8",
      write: false,
      outdir: UI_DIR,
      logLevel: "silent",
    }),
  ]);
  const output = (extension: string) => {
    const file = bundle.outputFiles.find((f) => f.path.endsWith(extension));
    if (!file) throw new Error(`esbuild produced no ${extension} file for the chat page`);
    return file.text;
  };
  return {
    html: asset(html, "text/html; charset=utf-8"),
    css: asset(output(".css"), "text/css; charset=utf-8"),
    js: asset(output(".js"), "text/javascript; charset=utf-8"),
  };
}

function asset(body: string, contentType: string): PageAsset {
  return { body, contentType, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` };
}

// `npm run build:ui`: checks that the page compiles and reports its size, without serving it.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = await buildPage();
  for (const [name, { body }] of Object.entries(page)) console.log(`${name}: ${Buffer.byteLength(body)} bytes`);
}
