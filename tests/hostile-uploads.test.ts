import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfOf } from "./support/documents.js";
import { docxBomb, docxWithBody, wordParagraph } from "./support/hostile-files.js";
import { waitUntilReady } from "./support/ready.js";
import { freePort, startServeProcess, stopServeProcess, type ServeProcess } from "./support/serve-process.js";

const TOKEN = "a-long-enough-admin-token";
const MAX_DOCUMENT_CHARS = 20_000;
const LIGHTHOUSE =
  "# The Harrow Point lighthouse\n\nThe Harrow Point lighthouse was first lit in 1871, after two ships were lost on the reef.\n";
const CHINESE = "哈罗角灯塔建于一八七一年。第一位看守人在那里工作了三十一年。";

let dirs: string[];
let served: ServeProcess;
let bomb: Uint8Array;

beforeAll(async () => {
  dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), "hostile-uploads-"))));
  // About 1.4 MB that unzips to 200 MB of XML: this took the server down before files were read in a thread of their own.
  bomb = await docxBomb(200);
  await writeFile(join(dirs[0]!, "lighthouse.md"), LIGHTHOUSE);
  await writeFile(join(dirs[0]!, "bomb.docx"), bomb);
  await writeFile(join(dirs[0]!, "empty.html"), "");
  await writeFile(join(dirs[0]!, "blank.html"), "  \n\t \n");
  served = startServeProcess(await freePort(), dirs[0]!, dirs[1]!, {
    ADMIN_TOKEN: TOKEN,
    MAX_DOCUMENT_CHARS: String(MAX_DOCUMENT_CHARS),
    RATE_LIMIT_PER_MINUTE: "0",
  });
  await waitUntilReady(served);
}, 240_000);

afterAll(async () => {
  await stopServeProcess(served?.proc);
  await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })));
});

function upload(files: { name: string; content: string | Uint8Array }[]): Promise<Response> {
  const form = new FormData();
  for (const { name, content } of files)
    form.append("files", new Blob([typeof content === "string" ? content : new Uint8Array(content)]), name);
  return fetch(`${served.url}/documents`, { method: "POST", body: form, headers: { authorization: `Bearer ${TOKEN}` } });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = await response.json();
  return { status: response.status, code: body.error?.code, message: body.error?.message };
}

async function documentIds(): Promise<string[]> {
  return ((await (await fetch(`${served.url}/documents`)).json()).documents as { id: string }[]).map((d) => d.id);
}

async function healthStatus(): Promise<number> {
  return (await fetch(`${served.url}/healthz`)).status;
}

describe("files that used to hurt the server", () => {
  it("started over a corpus holding a zip bomb and empty web pages, leaving each out with one line naming it", async () => {
    expect(await documentIds()).toEqual(["lighthouse"]);
    const lines = served.output.stdout.split("\n");
    expect(lines.filter((line) => line.includes("Leaving out bomb.docx: "))).toEqual([
      expect.stringMatching(/200\.0 MB.*\(MAX_UNPACKED_BYTES\)/),
    ]);
    expect(lines.filter((line) => /Leaving out (empty|blank)\.html: .*no text/.test(line))).toHaveLength(2);
  });

  it("refuses an uploaded zip bomb with 413 naming the limit, answering /healthz throughout, and adds nothing", async () => {
    const refused = upload([{ name: "bomb.docx", content: bomb }]);
    const meanwhile = await healthStatus();
    expect(meanwhile).toBe(200);
    expect(await errorOf(await refused)).toEqual({
      status: 413,
      code: "payload_too_large",
      message: expect.stringMatching(/^bomb\.docx: the Word document's XML unpacks to 200\.0 MB, over the 20 MB .*\(MAX_UNPACKED_BYTES\)$/),
    });
    expect(await healthStatus()).toBe(200);
    expect(await documentIds()).toEqual(["lighthouse"]);
  });

  it("answers /healthz all the while a large Word document is read, then refuses its text as over MAX_DOCUMENT_CHARS", async () => {
    // Within MAX_UNPACKED_BYTES, so mammoth reads all 6 MB of its XML, in the reading thread, before its length is known.
    let done = false;
    const refused = upload([{ name: "large.docx", content: await docxBomb(6) }]).finally(() => (done = true));
    const health: number[] = [];
    while (!done) health.push(await healthStatus());
    expect(health.length).toBeGreaterThan(0);
    expect(new Set(health)).toEqual(new Set([200]));
    expect(await errorOf(await refused)).toMatchObject({
      status: 413,
      code: "payload_too_large",
      message: expect.stringMatching(/^large\.docx: .*\(MAX_DOCUMENT_CHARS\)$/),
    });
    expect(await documentIds()).toEqual(["lighthouse"]);
  });

  it("refuses text longer than MAX_DOCUMENT_CHARS with 413 naming the limit", async () => {
    const long = `${"The harbour wall was rebuilt after the storm of the winter. ".repeat(400)}\n`;
    expect(await errorOf(await upload([{ name: "long.txt", content: long }]))).toEqual({
      status: 413,
      code: "payload_too_large",
      message: expect.stringMatching(/^long\.txt: its text is 24,001 characters, over the 20,000 .*\(MAX_DOCUMENT_CHARS\)$/),
    });
    expect(await documentIds()).toEqual(["lighthouse"]);
  });

  it("answers 422 unreadable_document, never 500, to an empty or whitespace-only file of every format", async () => {
    const files: Record<string, string | Uint8Array> = {
      "empty.txt": "",
      "blank.txt": " \n\t",
      "empty.md": "",
      "blank.md": "\n  \n",
      "empty.html": "",
      "blank.html": "   \n  ",
      "empty.htm": "",
      "empty.pdf": "",
      "blank.pdf": "  \n ",
      "empty.docx": "",
      "blank.docx": await docxWithBody(wordParagraph("   ")),
    };
    for (const [name, content] of Object.entries(files)) {
      expect(await errorOf(await upload([{ name, content }])), name).toEqual({
        status: 422,
        code: "unreadable_document",
        message: expect.stringMatching(new RegExp(`^${name.replace(".", "\\.")}: `)),
      });
    }
    expect(await documentIds()).toEqual(["lighthouse"]);
  });

  it("adds a tiny PDF and a Chinese text with at least one passage each, found by a question, quoted exactly", async () => {
    const response = await upload([
      { name: "code.pdf", content: await pdfOf([["ABC 123"]]) },
      { name: "chinese.txt", content: CHINESE },
    ]);
    expect(response.status).toBe(201);
    const { documents } = await response.json();
    expect(documents).toMatchObject([
      { id: "code", status: "added", passages: 1 },
      { id: "chinese", status: "added", passages: 1 },
    ]);
    const answer = await (
      await fetch(`${served.url}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question: "What is ABC 123?" }),
      })
    ).json();
    const passage = answer.passages.find((p: { documentId: string }) => p.documentId === "code");
    expect(passage).toBeDefined();
    const { text } = await (await fetch(`${served.url}/documents/code`)).json();
    expect(text.slice(passage.start, passage.end)).toBe("ABC 123");
    for (const citation of answer.citations) {
      const source = await (await fetch(`${served.url}/documents/${encodeURIComponent(citation.documentId)}`)).json();
      expect(source.text.slice(citation.start, citation.end)).toBe(citation.quote);
    }
  });
});
