import type { Page } from "playwright-core";
import type { ServeProcess } from "../../support/serve-process.js";

/** A file as the page gets it from a file chooser or a drop. */
export interface PickedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Polls `/healthz` until the server says it is ready; a first start embeds the corpus, which takes seconds. */
export async function waitUntilReady(server: ServeProcess, limitMs = 120_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const health = await fetch(`${server.url}/healthz`).then(
      (r) => (r.ok ? r.json() : undefined),
      () => undefined,
    );
    if (health?.status === "ready") return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${server.url} was not ready in ${limitMs / 1000} s:\n${server.output.stdout}${server.output.stderr}`);
}

/** Opens the Documents drawer and waits for its list. */
export async function openDrawer(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Documents", exact: true }).click();
  await page.locator("#documents-count").filter({ hasNotText: "Loading" }).waitFor();
}

/** Chooses `files` with the "Add documents" button, as a person would in the file chooser. */
export async function chooseFiles(page: Page, files: PickedFile[]): Promise<void> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Add documents" }).click();
  await (await chooser).setFiles(files);
}

/** Drops `files` on the drop zone, with the events a browser sends for a drag from the desktop. */
export async function dropFiles(page: Page, files: PickedFile[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (files) => {
      const transfer = new DataTransfer();
      for (const { name, mimeType, bytes } of files) transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
      return transfer;
    },
    files.map(({ name, mimeType, buffer }) => ({ name, mimeType, bytes: [...buffer] })),
  );
  const zone = page.locator("#drop-zone");
  await zone.dispatchEvent("dragenter", { dataTransfer });
  await zone.dispatchEvent("dragover", { dataTransfer });
  await zone.dispatchEvent("drop", { dataTransfer });
}

/** Types the admin token into the drawer's field, once the page asks for it, and sends it. */
export async function enterToken(page: Page, token: string): Promise<void> {
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** The row of the upload of `name`. */
export function uploadRow(page: Page, name: string) {
  return page.locator(".upload-row").filter({ has: page.locator(".upload-name", { hasText: name }) });
}

/** `POST /documents` with one file straight from the test, for what the server says about it. */
export async function postDocument(url: string, file: PickedFile, token: string): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append("files", new Blob([new Uint8Array(file.buffer)], { type: file.mimeType }), file.name);
  const response = await fetch(`${url}/documents`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, body: await response.json() };
}
