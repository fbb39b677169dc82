import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyPdf, pdfOf } from "./support/documents.js";
import { scannedPage, scannedPdf } from "../src/dev/scans.js";

/** Scans the size of a postcard: OCR reads them in a fraction of an A4 page's time. */
const CARD = { width: 420, height: 300 };
import { deckOf, ebookOf, workbookOf } from "./support/office-files.js";
import { waitUntilReady } from "./support/ready.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const TOKEN = "a-long-enough-admin-token";
const MAX_UPLOAD_BYTES = 64 * 1024;

const LIGHTHOUSE =
  "# The Harrow Point lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871, after two ships were lost on the reef.\n";
const ORCHARD = [
  "# The Fenwick orchard",
  "",
  "The Fenwick orchard grows forty-two varieties of apple on the south slope of the valley.",
  "",
  "Its oldest tree, a Bramley planted in 1893, still gives fruit every other autumn.",
  "",
].join("\n");

let dirs: string[];
let corpus: string;
let served: ServeProcess;
let closed: ServeProcess;

beforeAll(async () => {
  dirs = await Promise.all([1, 2, 3, 4].map(() => mkdtemp(join(tmpdir(), "uploads-api-"))));
  corpus = dirs[0]!;
  await writeFile(join(corpus, "lighthouse.md"), LIGHTHOUSE);
  await writeFile(join(dirs[2]!, "lighthouse.md"), LIGHTHOUSE);
  served = startServeProcess(await freePort(), corpus, dirs[1]!, {
    ADMIN_TOKEN: TOKEN,
    MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    RATE_LIMIT_PER_MINUTE: "0",
  });
  closed = startServeProcess(await freePort(), dirs[2]!, dirs[3]!);
  await Promise.all([waitUntilReady(served), waitUntilReady(closed)]);
}, 240_000);

afterAll(async () => {
  await Promise.all([stopServeProcess(served?.proc), stopServeProcess(closed?.proc)]);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

function upload(url: string, files: { name: string; content: string | Uint8Array }[], token: string | null = TOKEN): Promise<Response> {
  const form = new FormData();
  for (const { name, content } of files)
    form.append("files", new Blob([typeof content === "string" ? content : new Uint8Array(content)]), name);
  return fetch(`${url}/documents`, { method: "POST", body: form, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

/**
 * `upload` on a connection of its own: the server answers a body over the limit before reading it all, and
 * fetch's pool could otherwise reuse the connection while the server is still discarding the rest.
 */
async function uploadOnItsOwnConnection(files: { name: string; content: string }[]): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const { name, content } of files) form.append("files", new Blob([content]), name);
  const encoded = new Response(form);
  const bytes = Buffer.from(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${served.url}/documents`, {
      method: "POST",
      agent: false,
      headers: { "content-type": encoded.headers.get("content-type")!, "content-length": bytes.length, authorization: `Bearer ${TOKEN}` },
    });
    request.on("response", (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.on("error", reject);
    request.end(bytes);
  });
}

async function ask(question: string) {
  const response = await fetch(`${served.url}/ask`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function documentIds(url = served.url): Promise<string[]> {
  return ((await (await fetch(`${url}/documents`)).json()).documents as { id: string }[]).map((d) => d.id);
}

/** The share of the pixels inside `rect` (fractions of the picture) that are dark: ink. */
async function darkShare(png: Buffer, rect: { x: number; y: number; width: number; height: number }): Promise<number> {
  const { createCanvas, loadImage } = await import("@napi-rs/canvas");
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const [x, y] = [Math.round(rect.x * image.width), Math.round(rect.y * image.height)];
  const { data } = context.getImageData(x, y, Math.round(rect.width * image.width), Math.round(rect.height * image.height));
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark++;
  return dark / (data.length / 4);
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe("adding documents through the API", () => {
  it("says the API takes uploads, and refuses a request without the admin token, or with a wrong one", async () => {
    const list = await (await fetch(`${served.url}/documents`)).json();
    expect(list).toMatchObject({
      uploads: true,
      maxUploadBytes: MAX_UPLOAD_BYTES,
      formats: [
        ".txt",
        ".md",
        ".markdown",
        ".mdx",
        ".html",
        ".htm",
        ".pdf",
        ".docx",
        ".pptx",
        ".xlsx",
        ".csv",
        ".epub",
        ".png",
        ".jpg",
        ".jpeg",
        ".webp",
        ".tif",
        ".tiff",
      ],
      documents: [{ id: "lighthouse", format: "markdown", bytes: LIGHTHOUSE.length, passages: 1 }],
    });
    const anonymous = await upload(served.url, [{ name: "orchard.md", content: ORCHARD }], null);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await expectError(anonymous, 401, "unauthorized")).toMatch(/admin token/);
    expect(
      await expectError(
        await upload(served.url, [{ name: "orchard.md", content: ORCHARD }], "wrong-token-of-some-length"),
        401,
        "unauthorized",
      ),
    ).toMatch(/wrong/);
    expect(await documentIds()).toEqual(["lighthouse"]);
  });

  it("adds an uploaded document, answers from it at once, and quotes it exactly", async () => {
    const response = await upload(served.url, [{ name: "orchard.md", content: ORCHARD }]);
    expect(response.status).toBe(201);
    const { documents } = await response.json();
    expect(documents).toEqual([
      {
        id: "orchard",
        title: "The Fenwick orchard",
        path: "orchard.md",
        format: "markdown",
        bytes: ORCHARD.length,
        passages: 2,
        status: "added",
      },
    ]);
    expect(existsSync(join(corpus, "orchard.md"))).toBe(true);

    const answer = await ask("When was the oldest tree of the Fenwick orchard planted?");
    expect(answer.grounded).toBe(true);
    const citation = answer.citations[0];
    expect(citation.documentId).toBe("orchard");
    const { text } = await (await fetch(`${served.url}/documents/orchard`)).json();
    expect(text.slice(citation.start, citation.end)).toBe(citation.quote);
    expect(citation.quote).toContain("1893");
  });

  it("does not index the same content twice, under any name", async () => {
    const response = await upload(served.url, [{ name: "orchard copy.md", content: ORCHARD }]);
    expect(response.status).toBe(201);
    expect((await response.json()).documents).toMatchObject([{ id: "orchard", path: "orchard.md", status: "duplicate" }]);
    expect(await documentIds()).toEqual(["lighthouse", "orchard"]);
    expect(existsSync(join(corpus, "orchard copy.md"))).toBe(false);
  });

  it("adds several files in one request, a PDF with its pages among them", async () => {
    const pdf = await pdfOf(
      [["The ferry timetable of Harrow Point."], ["The last ferry leaves the pier at 22:40 on Saturdays."]],
      "Ferry timetable",
    );
    const response = await upload(served.url, [
      { name: "ferry.pdf", content: pdf },
      { name: "tides.txt", content: "High tide at Harrow Point comes at 06:12 on the first of May.\n" },
    ]);
    expect(response.status).toBe(201);
    expect((await response.json()).documents).toMatchObject([
      { id: "ferry", title: "Ferry timetable", format: "pdf", status: "added" },
      { id: "tides", format: "text", status: "added" },
    ]);
    const answer = await ask("When does the last ferry leave on Saturdays?");
    expect(answer.citations[0]).toMatchObject({ documentId: "ferry", page: 2 });
  });

  it("keeps a file's name but never its path: a name with separators or .. is saved inside the corpus folder", async () => {
    const response = await upload(served.url, [
      { name: "../../escape.md", content: "# Escape\n\nThe escape hatch of the lighthouse is painted red.\n" },
    ]);
    expect(response.status).toBe(201);
    expect((await response.json()).documents).toMatchObject([{ id: "escape", path: "escape.md", status: "added" }]);
    expect(existsSync(join(corpus, "escape.md"))).toBe(true);
    expect(existsSync(join(corpus, "..", "..", "escape.md"))).toBe(false);
  });

  it("shortens a file name too long for the file system, keeping its extension", async () => {
    const name = `${"Annual report of the harbour commission ".repeat(10)}.md`;
    const response = await upload(served.url, [
      { name, content: "# Harbour commission\n\nThe harbour commission met eleven times in the year.\n" },
    ]);
    expect(response.status).toBe(201);
    const [document] = (await response.json()).documents;
    expect(Buffer.byteLength(document.path)).toBeLessThanOrEqual(200);
    expect(document.path).toMatch(/^Annual report of the harbour commission .*\.md$/);
    expect(existsSync(join(corpus, document.path))).toBe(true);
    const deleted = await fetch(`${served.url}/documents/${encodeURIComponent(document.id)}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(deleted.status).toBe(200);
  });

  it("refuses what it cannot index with a 4xx that says why, and adds nothing", async () => {
    const before = await documentIds();
    expect(
      await expectError(await upload(served.url, [{ name: "prices.numbers", content: "a,b\n1,2\n" }]), 415, "unsupported_media_type"),
    ).toMatch(/\.pdf/);
    expect(
      await expectError(await upload(served.url, [{ name: "broken.pdf", content: "%PDF-1.7 not really" }]), 422, "unreadable_document"),
    ).toMatch(/broken\.pdf: the PDF cannot be read/);
    expect(
      await expectError(await upload(served.url, [{ name: "scan.pdf", content: await emptyPdf() }]), 422, "unreadable_document"),
    ).toMatch(/no text/);
    expect(await expectError(await upload(served.url, [{ name: "empty.md", content: "  \n" }]), 422, "unreadable_document")).toMatch(
      /no text/,
    );
    // One bad file refuses the whole request.
    const mixed = await upload(served.url, [
      { name: "good.md", content: "# Good\n\nA good file about the harbour wall.\n" },
      { name: "notes.odt", content: "x" },
    ]);
    await expectError(mixed, 415, "unsupported_media_type");
    const tooBig = await uploadOnItsOwnConnection([{ name: "big.txt", content: "word ".repeat(MAX_UPLOAD_BYTES / 4) }]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/MAX_UPLOAD_BYTES/) });
    const notMultipart = await fetch(`${served.url}/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{}",
    });
    await expectError(notMultipart, 415, "unsupported_media_type");
    const garbled = await fetch(`${served.url}/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "multipart/form-data; boundary=xyz" },
      body: "--xyz\r\nnot a part at all",
    });
    await expectError(garbled, 400, "invalid_request");
    const noFiles = await fetch(`${served.url}/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new FormData(),
    });
    await expectError(noFiles, 400, "invalid_request");
    expect(await documentIds()).toEqual(before);
    expect((await readdir(corpus)).sort()).toEqual([".uploads", "escape.md", "ferry.pdf", "lighthouse.md", "orchard.md", "tides.txt"]);
  });

  it("replaces a document uploaded again under its name with other content", async () => {
    const changed = ORCHARD.replace("forty-two varieties", "fifty-one varieties");
    const response = await upload(served.url, [{ name: "orchard.md", content: changed }]);
    expect((await response.json()).documents).toMatchObject([{ id: "orchard", status: "replaced", passages: 2 }]);
    const answer = await ask("How many varieties of apple does the Fenwick orchard grow?");
    expect(answer.citations[0].quote).toContain("fifty-one");
    const { text } = await (await fetch(`${served.url}/documents/orchard`)).json();
    expect(text.slice(answer.citations[0].start, answer.citations[0].end)).toBe(answer.citations[0].quote);
  });

  it("deletes a document: from the list, the corpus folder and the answers", async () => {
    const response = await fetch(`${served.url}/documents/tides`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: "tides", status: "deleted", passages: 1 });
    expect(await documentIds()).not.toContain("tides");
    expect(existsSync(join(corpus, "tides.txt"))).toBe(false);
    const answer = await ask("When is high tide at Harrow Point on the first of May?");
    expect(answer.citations.map((c: { documentId: string }) => c.documentId)).not.toContain("tides");
    await expectError(
      await fetch(`${served.url}/documents/tides`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } }),
      404,
      "not_found",
    );
    await expectError(await fetch(`${served.url}/documents/orchard`, { method: "DELETE" }), 401, "unauthorized");
  });

  it("adds a slide deck, a workbook, a CSV file, an e-book, a scan and a photo, and cites each exactly with its slide, sheet, chapter or page", async () => {
    const files = [
      {
        name: "seawall.pdf",
        content: await scannedPdf(
          [
            { paragraphs: ["Kestrel Bay harbour report"], textLayer: true },
            ["The Kestrel Bay seawall was rebuilt in 1958, two years after the great storm broke it."],
          ],
          CARD,
        ),
      },
      { name: "lifeboat.png", content: scannedPage(["The Kestrel Bay lifeboat station opened in 1903 with a crew of eleven."], CARD) },
      {
        name: "harbour.pptx",
        content: await deckOf("Harbour renewal", [
          { title: "Welcome", texts: ["Harrow Point harbour renewal, an overview for residents."] },
          { title: "Harbour plans", texts: ["The new pier at Harrow Point opens in May 2027."] },
        ]),
      },
      {
        name: "payments.xlsx",
        content: await workbookOf("Payments", {
          "2026 payments": [
            ["Customer", "Month", "Amount paid"],
            ["Acme", "March", 1200],
            ["Globex", "April", 800],
          ],
        }),
      },
      { name: "clinics.csv", content: "Clinic,Visits in June\nNorthgate clinic,412\nSouthgate clinic,97\n" },
      {
        name: "voyage.epub",
        content: await ebookOf("A Northern Voyage", [
          { file: "one.xhtml", html: "<h1>The Crossing</h1><p>The Marigold sailed from Leith on a grey morning in 1921.</p>" },
          { file: "two.xhtml", html: "<h1>Arrival</h1><p>The harbour at Bergen was frozen when the Marigold came in.</p>" },
        ]),
      },
    ];
    for (const file of files) {
      const response = await upload(served.url, [file]);
      expect(response.status, file.name).toBe(201);
      expect((await response.json()).documents[0], file.name).toMatchObject({ status: "added" });
    }
    const cited = async (question: string, documentId: string) => {
      const answer = await ask(question);
      const citation = answer.citations.find((c: { documentId: string }) => c.documentId === documentId);
      expect(citation, question).toBeDefined();
      const { text } = await (await fetch(`${served.url}/documents/${documentId}`)).json();
      expect(text.slice(citation.start, citation.end)).toBe(citation.quote);
      return citation;
    };
    expect(await cited("When does the new pier at Harrow Point open?", "harbour")).toMatchObject({ page: 2, heading: "Harbour plans" });
    const payment = await cited("How much did Acme pay in March?", "payments");
    expect(payment).toMatchObject({ quote: "Customer: Acme | Month: March | Amount paid: 1200", heading: "2026 payments" });
    expect((await cited("How many visits did the Northgate clinic have in June?", "clinics")).quote).toBe(
      "Clinic: Northgate clinic | Visits in June: 412",
    );
    expect(await cited("Where did the Marigold sail from?", "voyage")).toMatchObject({ heading: "The Crossing" });
    expect((await cited("When was the Kestrel Bay seawall rebuilt?", "seawall")).page).toBe(2);
    expect((await cited("When did the Kestrel Bay lifeboat station open?", "lifeboat")).quote).toContain("1903");
    const scan = await (await fetch(`${served.url}/documents/seawall`)).json();
    expect(scan.ocrPages).toEqual([{ page: 2, confidence: expect.any(Number) }]);
  });

  it("shows a PDF's page and a scan as they look, with a citation's span boxed where it is drawn, on every page it crosses", async () => {
    const pdf = await pdfOf([
      ["The Kestrel Bay harbour report.", "The new pier opens in May 2027. Its"],
      ["construction was delayed by two winters.", "The foghorn of Kestrel Bay sounds every thirty seconds."],
    ]);
    const notice = scannedPage(["The Kestrel Bay boathouse is painted green every April."], CARD);
    const scan = await scannedPdf([["The Kestrel Bay slipway was lengthened by nine metres in 1962."]], CARD);
    for (const file of [
      { name: "pier-report.pdf", content: pdf },
      { name: "boathouse.png", content: notice },
      { name: "slipway-scan.pdf", content: scan },
    ])
      expect((await upload(served.url, [file])).status, file.name).toBe(201);
    const page = async (id: string, n: number | string, span = "") => fetch(`${served.url}/documents/${id}/pages/${n}${span}`);

    expect((await (await fetch(`${served.url}/documents/pier-report`)).json()).pageView).toBe(true);
    const answer = await ask("How often does the foghorn of Kestrel Bay sound?");
    const citation = answer.citations.find((c: { documentId: string }) => c.documentId === "pier-report");
    expect(citation).toMatchObject({ page: 2 });
    const shown = await (await page("pier-report", 2, `?start=${citation.start}&end=${citation.end}`)).json();
    expect(shown).toMatchObject({ page: 2, pages: 2, width: 420, height: 300, image: "/documents/pier-report/pages/2/image" });
    // pdfOf draws the second line of a page 24 points from the left, its baseline 244 points up a 300-point page.
    expect(shown.highlights).toHaveLength(1);
    const [box] = shown.highlights;
    expect(box.x).toBeCloseTo(24 / 420, 2);
    expect(box.y).toBeGreaterThan(0.13);
    expect(box.y + box.height).toBeLessThan(0.2);

    const { text } = await (await fetch(`${served.url}/documents/pier-report`)).json();
    const across = { start: text.indexOf("Its"), end: text.indexOf("winters.") + "winters.".length };
    for (const n of [1, 2]) {
      const { highlights } = await (await page("pier-report", n, `?start=${across.start}&end=${across.end}`)).json();
      expect(highlights.length, `page ${n}`).toBeGreaterThan(0);
    }

    const image = await page("pier-report", 2, "/image");
    expect(image.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await image.arrayBuffer());
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([840, 600]);
    // The quote's letters are drawn inside its box, and nothing outside the page's lines.
    expect(await darkShare(png, box)).toBeGreaterThan(0.05);
    expect(await darkShare(png, { x: 0.05, y: 0.6, width: 0.9, height: 0.3 })).toBe(0);

    const scanned = await (await fetch(`${served.url}/documents/boathouse`)).json();
    const green = { start: scanned.text.indexOf("green"), end: scanned.text.indexOf("green") + 5 };
    const scanPage = await (await page("boathouse", 1, `?start=${green.start}&end=${green.end}`)).json();
    // scannedPage draws its first line a tenth of the card's height from the top and from the left.
    expect(scanPage.highlights).toHaveLength(1);
    expect(scanPage.highlights[0].y).toBeGreaterThan(0.07);
    expect(scanPage.highlights[0].y).toBeLessThan(0.16);
    expect(scanPage.highlights[0].x).toBeGreaterThan(0.3);
    expect(Buffer.from(await (await page("boathouse", 1, "/image")).arrayBuffer()).equals(notice)).toBe(true);

    // A scanned PDF's page is drawn from its picture, and OCR's word boxes lie over the ink of their words.
    const slipway = await (await fetch(`${served.url}/documents/slipway-scan`)).json();
    const year = { start: slipway.text.indexOf("1962"), end: slipway.text.indexOf("1962") + 4 };
    const [yearBox] = (await (await page("slipway-scan", 1, `?start=${year.start}&end=${year.end}`)).json()).highlights;
    const drawn = Buffer.from(await (await page("slipway-scan", 1, "/image")).arrayBuffer());
    expect(await darkShare(drawn, yearBox)).toBeGreaterThan(0.1);
    expect(await darkShare(drawn, { ...yearBox, y: yearBox.y + 3 * yearBox.height })).toBeLessThan(0.02);

    await expectError(await page("pier-report", 3), 404, "not_found");
    await expectError(await page("pier-report", "first"), 400, "invalid_request");
    await expectError(await page("pier-report", 1, "?start=9&end=3"), 400, "invalid_request");
    await expectError(await page("pier-report", 1, `?start=0&end=${text.length + 1}`), 400, "invalid_request");
    await expectError(await page("lighthouse", 1), 404, "not_found");
    await expectError(await page("no-such-document", 1, "/image"), 404, "not_found");
  });

  it("after a restart, answers from the same documents without rebuilding the index", async () => {
    const before = await documentIds();
    await stopServeProcess(served.proc);
    served = startServeProcess(new URL(served.url).port as unknown as number, corpus, dirs[1]!, {
      ADMIN_TOKEN: TOKEN,
      RATE_LIMIT_PER_MINUTE: "0",
    });
    await waitUntilReady(served);
    expect(await documentIds()).toEqual(before);
    expect(served.output.stdout).not.toMatch(/Building the index|Index updated/);
    const answer = await ask("How many varieties of apple does the Fenwick orchard grow?");
    expect(answer.citations[0].quote).toContain("fifty-one");
  });

  it("turns writes off without ADMIN_TOKEN: 403, and the list says so", async () => {
    const list = await (await fetch(`${closed.url}/documents`)).json();
    expect(list.uploads).toBe(false);
    expect(list).not.toHaveProperty("maxUploadBytes");
    await expectError(await upload(closed.url, [{ name: "orchard.md", content: ORCHARD }]), 403, "uploads_disabled");
    await expectError(
      await fetch(`${closed.url}/documents/lighthouse`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } }),
      403,
      "uploads_disabled",
    );
    expect(await documentIds(closed.url)).toEqual(["lighthouse"]);
  });
});
