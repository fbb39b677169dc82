import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceDocument } from "../../src/ingest/types.js";
import { pdfOf } from "../support/documents.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "../support/serve-process.js";
import { launchBrowser, SCREENS, screenshot } from "./support/browser.js";
import { ask, askApi, textBeforeMark } from "./support/chat-page.js";
import {
  chooseFiles,
  dropFiles,
  enterToken,
  openDrawer,
  postDocument,
  uploadRow,
  waitUntilReady,
  type PickedFile,
} from "./support/documents-drawer.js";

const TOKEN = "harbour-master-7f3a";
const TIDES = "# Tide tables\n\nHigh tide at the harbour mouth comes about fifty minutes later each day.\n";
// With the tide tables, enough documents on the read-only server for its drawer to offer a search.
const OTHERS = ["Harbour dues", "Fog signals", "Ship registry", "Pilot boats", "Buoy maintenance", "Coast guard stations", "Dry dock"];
const REPORT_TITLE = "Harrow Point keeper's report";
// Only page 2 says who installed the foghorn.
const REPORT_PAGES = [
  [
    "The keeper's report for the year.",
    "The lighthouse was painted white and red in the spring.",
    "The lamp burned every night of the year.",
  ],
  ["Fog signals", "The new foghorn at Harrow Point was installed by the engineer Maud Lister.", "It can be heard eleven miles out at sea."],
];
const QUESTION = "Who installed the new foghorn at Harrow Point?";
// Small, so that a file over it is quick to make and send.
const MAX_UPLOAD_BYTES = 200_000;

let dirs: string[];
let admin: ServeProcess;
let readOnly: ServeProcess;
let browser: Browser;
let report: PickedFile;

beforeAll(async () => {
  dirs = await Promise.all(
    ["admin-corpus", "admin-data", "read-only-corpus", "read-only-data"].map((name) => mkdtemp(join(tmpdir(), `uploads-${name}-`))),
  );
  const [adminCorpus, adminData, readOnlyCorpus, readOnlyData] = dirs as [string, string, string, string];
  await Promise.all([
    writeFile(join(adminCorpus, "tide-tables.md"), TIDES),
    writeFile(join(readOnlyCorpus, "tide-tables.md"), TIDES),
    ...OTHERS.map((title) =>
      writeFile(
        join(readOnlyCorpus, `${title.toLowerCase().replace(/ /g, "-")}.md`),
        `# ${title}\n\nThe ${title.toLowerCase()} are kept in the harbour office.\n`,
      ),
    ),
  ]);
  const [adminPort, readOnlyPort] = await Promise.all([freePort(), freePort()]);
  admin = startServeProcess(adminPort, adminCorpus, adminData, { ADMIN_TOKEN: TOKEN, MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  readOnly = startServeProcess(readOnlyPort, readOnlyCorpus, readOnlyData);
  report = { name: "keeper-report.pdf", mimeType: "application/pdf", buffer: Buffer.from(await pdfOf(REPORT_PAGES, REPORT_TITLE)) };
  [browser] = await Promise.all([launchBrowser(), waitUntilReady(admin), waitUntilReady(readOnly)]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([stopServeProcess(admin?.proc), stopServeProcess(readOnly?.proc)]);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function documentsOf(server: ServeProcess): Promise<{ id: string; title: string; passages: number }[]> {
  return (await (await fetch(`${server.url}/documents`)).json()).documents;
}

/** Every text the upload row of `name` shows, in order, from now on. */
async function recordRowTexts(page: Page, name: string): Promise<() => Promise<string[]>> {
  await page.evaluate((name) => {
    const seen: string[] = [];
    (window as unknown as { rowTexts: string[] }).rowTexts = seen;
    new MutationObserver(() => {
      const row = [...document.querySelectorAll(".upload-row")].find((r) => r.querySelector(".upload-name")?.textContent === name);
      const text = row?.lastElementChild?.textContent;
      if (text && text !== seen.at(-1)) seen.push(text);
    }).observe(document.getElementById("uploads")!, { subtree: true, childList: true, characterData: true });
  }, name);
  return () => page.evaluate(() => (window as unknown as { rowTexts: string[] }).rowTexts);
}

describe("the Documents drawer, on a server that takes uploads", () => {
  it("uploads a PDF with its progress, lists it, and its citation opens on its page (1280 px)", async () => {
    const page = await browser.newPage(SCREENS.desktop);
    await page.goto(admin.url);
    await openDrawer(page);
    await expect(page.locator("#documents-count").textContent()).resolves.toBe("1 document");
    await expect(page.locator("#documents").getAttribute("aria-labelledby")).resolves.toBe("documents-heading");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("documents-heading");

    const rowTexts = await recordRowTexts(page, report.name);
    await chooseFiles(page, [report]);
    // The first write asks for the token, in the drawer.
    await expect.poll(() => uploadRow(page, report.name).textContent()).toContain("Waiting for the admin token…");
    await enterToken(page, TOKEN);
    const row = uploadRow(page, report.name);
    await expect.poll(() => row.locator("span").last().textContent(), { timeout: 30_000 }).toMatch(/^Added: \d+ passages?$/);
    const listed = (await documentsOf(admin)).find((d) => d.title === REPORT_TITLE)!;
    expect(listed).toBeDefined();
    await expect(row.locator("span").last().textContent()).resolves.toBe(
      `Added: ${listed.passages} passage${listed.passages === 1 ? "" : "s"}`,
    );
    // The row went through each step, in order: a percentage while the bytes went up, then indexing.
    const steps = (await rowTexts()).map((text) => text.replace(/^Uploading \d+%$/, "Uploading N%").replace(/^Added: .*/, "Added"));
    expect(steps.filter((step, i) => step !== steps[i - 1] && step !== "Waiting…")).toEqual([
      "Waiting for the admin token…",
      "Uploading N%",
      "Indexing…",
      "Added",
    ]);
    await expect(page.evaluate(() => sessionStorage.getItem("grounded-qa.admin-token"))).resolves.toBe(TOKEN);
    await expect(page.evaluate((token) => Object.values(localStorage).some((value) => value.includes(token)), TOKEN)).resolves.toBe(false);

    const item = page.locator("#document-list .document").filter({ hasText: REPORT_TITLE });
    await expect.poll(() => item.count()).toBe(1);
    await expect(item.locator(".document-facts").textContent()).resolves.toBe(
      `keeper-report.pdf · PDF · ${Math.round(report.buffer.length / 1024)} KB · ${listed.passages} passage${listed.passages === 1 ? "" : "s"}`,
    );
    await expect(page.locator("#documents-count").textContent()).resolves.toBe("2 documents");
    await screenshot(page, "desktop-documents-drawer");

    await page.getByRole("button", { name: "Close" }).click();
    await expect(page.locator("#documents").isVisible()).resolves.toBe(false);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("documents-open");
    // The start screen's list caught up too.
    await expect.poll(() => page.locator("#library .library-list li").allTextContents()).toContain(REPORT_TITLE);

    await ask(page, QUESTION);
    const done = await askApi(admin.url, QUESTION);
    const citation = done.citations.find((c) => c.documentId === listed.id);
    expect(citation, JSON.stringify(done)).toBeDefined();
    const doc: SourceDocument = await (await fetch(`${admin.url}/documents/${encodeURIComponent(listed.id)}`)).json();
    expect(doc.pageStarts).toHaveLength(2);
    expect(citation!.start).toBeGreaterThanOrEqual(doc.pageStarts![1]!);

    await page.getByRole("button", { name: `[${citation!.id}]`, exact: true }).click();
    const mark = page.locator("#source-panel mark");
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toBe(doc.text.slice(citation!.start, citation!.end));
    await expect(textBeforeMark(page)).resolves.toBe(doc.text.slice(0, citation!.start));
    await expect(page.locator("#source-text").textContent()).resolves.toBe(doc.text);
    // One marker, for page 2, labelled by the style sheet, before the quote.
    const markers = page.locator("#source-text .page-start");
    await expect(markers.count()).resolves.toBe(1);
    await expect(markers.evaluate((m) => getComputedStyle(m, "::before").content)).resolves.toBe('"Page 2"');
    await expect(
      markers.evaluate((m) =>
        Boolean(m.compareDocumentPosition(document.querySelector("#source-text mark")!) & Node.DOCUMENT_POSITION_FOLLOWING),
      ),
    ).resolves.toBe(true);
    await expect(markers.isVisible()).resolves.toBe(true);
    await screenshot(page, "desktop-pdf-source-page-2");
    await page.close();
  });

  for (const [screen, options] of Object.entries(SCREENS)) {
    it(`shows a citation on the PDF's page as it looks, boxed where it is drawn, and keeps that view (${screen})`, async () => {
      const page = await browser.newPage(options);
      await page.goto(admin.url);
      await ask(page, QUESTION);
      const done = await askApi(admin.url, QUESTION);
      const citation = done.citations.find((c) => c.title === REPORT_TITLE)!;
      expect(citation, JSON.stringify(done)).toBeDefined();
      await page.getByRole("button", { name: `[${citation.id}]`, exact: true }).click();
      await page.locator("#source-panel mark").waitFor();
      const views = page.getByRole("group", { name: "Show the source as" });
      await expect(views.getByRole("button", { name: "Text" }).getAttribute("aria-pressed")).resolves.toBe("true");
      await views.getByRole("button", { name: "Page" }).click();

      const sheet = page.locator("#source-page .page-sheet");
      await expect.poll(() => sheet.count(), { timeout: 15_000 }).toBe(1);
      await expect(page.locator("#source-text").isHidden()).resolves.toBe(true);
      await expect(sheet.locator("figcaption").textContent()).resolves.toBe("Page 2 of 2, the quote boxed");
      const image = sheet.getByRole("img", { name: `Page 2 of ${REPORT_TITLE}` });
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(840);
      // pdfOf draws the quote's line 24 points from the left of a 420-point page, its baseline 244 points up 300.
      const [paper, box] = await Promise.all([image.boundingBox(), sheet.locator(".page-highlight").first().boundingBox()]);
      expect((box!.x - paper!.x) / paper!.width).toBeCloseTo(24 / 420, 2);
      const top = (box!.y - paper!.y) / paper!.height;
      expect(top).toBeGreaterThan(0.13);
      expect(top).toBeLessThan(0.17);
      expect(box!.width / paper!.width).toBeGreaterThan(0.3);
      expect(box!.x + box!.width).toBeLessThanOrEqual(paper!.x + paper!.width + 1);
      await expect(page.locator(".page-highlight").first().isVisible()).resolves.toBe(true);
      await screenshot(page, `${screen}-pdf-page-view`);

      // The choice stays for the next source opened, and Text brings the text back.
      await page.locator("#source-close").click();
      await page.getByRole("button", { name: `[${citation.id}]`, exact: true }).click();
      await expect.poll(() => sheet.count(), { timeout: 15_000 }).toBe(1);
      await views.getByRole("button", { name: "Text" }).click();
      await expect(page.locator("#source-panel mark").textContent()).resolves.toBe(citation.quote);
      await expect(page.locator("#source-page").isHidden()).resolves.toBe(true);
      await page.close();
    });
  }

  it("refuses an unsupported and a too large file before sending them, shows the server's reason for a corrupt one, and adds nothing (375 px)", async () => {
    const notes: PickedFile = {
      name: "notes.odt",
      mimeType: "application/vnd.oasis.opendocument.text",
      buffer: Buffer.from("ship,tonnage\nAurora,120\n"),
    };
    const broken: PickedFile = {
      name: "broken.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage, no xref\n"),
    };
    const big: PickedFile = {
      name: "ledger.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("The ledger of ships. ".repeat(MAX_UPLOAD_BYTES / 10)),
    };
    const files = [notes, broken, big];
    const before = await documentsOf(admin);
    // What the server says of each, were it sent anyway.
    const refused = await Promise.all(files.map((file) => postDocument(admin.url, file, TOKEN)));
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual([
      [415, "unsupported_media_type"],
      [422, "unreadable_document"],
      [413, "payload_too_large"],
    ]);
    const serverReason = (refused[1]!.body.error.message as string).replace(`${broken.name}: `, "");
    const expected = [
      "Not a format the corpus takes: .txt, .md, .markdown, .mdx, .html, .htm, .pdf, .docx, .pptx, .xlsx, .csv, .epub, .png, .jpg, .jpeg, .webp, .tif, .tiff.",
      serverReason.charAt(0).toUpperCase() + serverReason.slice(1),
      "Too large: 0.4 MB, and the server takes at most 0.2 MB at a time.",
    ];

    // In dark mode, for the screenshot of the alert rows on a dark background.
    const page = await browser.newPage({ ...SCREENS.mobile, colorScheme: "dark" });
    await page.goto(admin.url);
    await openDrawer(page);
    // On a phone the drawer is the whole screen.
    await expect(page.locator("#documents").boundingBox()).resolves.toMatchObject({ x: 0, width: 375 });
    await dropFiles(page, files);
    await enterToken(page, TOKEN);
    for (const [i, file] of files.entries()) {
      const status = uploadRow(page, file.name).locator("[role=alert]");
      await status.waitFor({ timeout: 30_000 });
      await expect(status.textContent()).resolves.toBe(expected[i]);
    }
    await expect(page.locator(".upload-row.failed").count()).resolves.toBe(3);
    await expect(page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).resolves.toBe(true);
    await screenshot(page, "mobile-dark-documents-upload-errors");
    expect(await documentsOf(admin)).toEqual(before);
    await expect(page.locator("#document-list .document").count()).resolves.toBe(before.length);
    await page.close();
  });

  it("deletes a document after an in-page confirmation, and answers no longer cite it", async () => {
    const page = await browser.newPage(SCREENS.desktop);
    await page.goto(admin.url);
    await openDrawer(page);
    await page.getByRole("button", { name: `Delete ${REPORT_TITLE}` }).click();
    const confirm = page.getByRole("group", { name: `Delete ${REPORT_TITLE}` });
    await expect(confirm.locator("p").textContent()).resolves.toBe(`Delete ${REPORT_TITLE}? It will no longer be used for answers.`);
    // Cancel is where focus lands, and Escape answers it without closing the drawer.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Cancel");
    await page.keyboard.press("Escape");
    await expect(confirm.count()).resolves.toBe(0);
    await expect(page.locator("#documents").isVisible()).resolves.toBe(true);

    await page.getByRole("button", { name: `Delete ${REPORT_TITLE}` }).click();
    await screenshot(page, "desktop-documents-confirm-delete");
    await confirm.getByRole("button", { name: "Delete", exact: true }).click();
    await enterToken(page, TOKEN);
    const item = page.locator("#document-list .document").filter({ hasText: REPORT_TITLE });
    await expect.poll(() => item.count(), { timeout: 30_000 }).toBe(0);
    await expect(page.locator("#documents-count").textContent()).resolves.toBe("1 document");
    expect((await documentsOf(admin)).map((d) => d.title)).not.toContain(REPORT_TITLE);

    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("#library .library-list li").allTextContents()).not.toContain(REPORT_TITLE);
    await ask(page, QUESTION);
    const done = await askApi(admin.url, QUESTION);
    expect(done.citations.map((c) => c.title)).not.toContain(REPORT_TITLE);
    await expect(page.locator(".turn").last().textContent()).resolves.not.toContain(REPORT_TITLE);
    await page.close();
  });

  it("shows the server's message for a wrong token and asks for the token again", async () => {
    const note: PickedFile = {
      name: "pilot-boats.md",
      mimeType: "text/markdown",
      buffer: Buffer.from("# Pilot boats\n\nTwo pilot boats meet every ship at the outer buoy.\n"),
    };
    const refused = await postDocument(admin.url, note, "not-the-token");
    expect([refused.status, refused.body.error?.code]).toEqual([401, "unauthorized"]);

    const page = await browser.newPage(SCREENS.desktop);
    await page.goto(admin.url);
    await openDrawer(page);
    await chooseFiles(page, [note]);
    await enterToken(page, "not-the-token");
    const reason = page.locator("#token-form [role=alert]");
    await reason.waitFor();
    const message: string = refused.body.error.message;
    await expect(reason.textContent()).resolves.toBe(message.charAt(0).toUpperCase() + message.slice(1));
    await expect(page.getByLabel("Admin token").isVisible()).resolves.toBe(true);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("token");
    await expect(page.evaluate(() => sessionStorage.getItem("grounded-qa.admin-token"))).resolves.toBeNull();
    await expect.poll(() => uploadRow(page, note.name).textContent()).toContain("Waiting for the admin token…");
    await screenshot(page, "desktop-documents-wrong-token");

    await enterToken(page, TOKEN);
    await expect.poll(() => uploadRow(page, note.name).locator("span").last().textContent(), { timeout: 30_000 }).toMatch(/^Added: /);
    await expect(page.locator("#token-form").isVisible()).resolves.toBe(false);
    await page.close();
  });
});

describe("the Documents drawer, on a server without an admin token", () => {
  for (const [screen, options] of Object.entries(SCREENS)) {
    it(`lists the documents, searchably, with no way to add or delete them (${screen})`, async () => {
      const page = await browser.newPage(options);
      await page.goto(readOnly.url);
      await openDrawer(page);
      const titles = page.locator("#document-list .document-title");
      await expect(titles.count()).resolves.toBe(8);
      await expect(page.locator("#documents-count").textContent()).resolves.toBe("8 documents");
      await page.getByLabel("Search the documents").fill("fog");
      await expect(titles.allTextContents()).resolves.toEqual(["Fog signals"]);
      await expect(page.locator("#documents-count").textContent()).resolves.toBe("1 of 8 documents");
      await page.getByLabel("Search the documents").fill("");
      await expect(page.getByText("Adding documents is turned off on this server").isVisible()).resolves.toBe(true);
      for (const control of ["#upload", "#drop-zone", "#files", "#token-form"]) {
        await expect(page.locator(control).isVisible(), control).resolves.toBe(false);
      }
      await expect(page.getByRole("button", { name: /^Delete/ }).count()).resolves.toBe(0);
      await expect(page.getByRole("button", { name: "Add documents" }).count()).resolves.toBe(0);
      await screenshot(page, `${screen}-documents-read-only`);
      await page.keyboard.press("Escape");
      await expect(page.locator("#documents").isVisible()).resolves.toBe(false);
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("documents-open");
      await page.close();
    });
  }
});
