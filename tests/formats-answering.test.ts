import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskPipeline } from "../src/answer/ask.js";
import { loadConfig } from "../src/config.js";
import { createApp } from "../src/server/app.js";
import { openPipeline } from "../src/service.js";
import { NEWS_PAGE, pdfOf } from "./support/documents.js";

let root: string;
let pipeline: AskPipeline;
const app = () => createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "grounded-qa-formats-answering-"));
  await mkdir(join(root, "corpus"));
  await writeFile(
    join(root, "corpus", "keepers.pdf"),
    await pdfOf([
      ["Harrow Point", "", "The Harrow Point lighthouse stands on the northern reef of the bay."],
      ["The keepers", "", "Its first keeper, Tobias Wren, served for 31 years and kept a log of every ship."],
    ]),
  );
  await writeFile(join(root, "corpus", "news.html"), NEWS_PAGE);
  pipeline = await openPipeline(loadConfig({ CORPUS_DIR: join(root, "corpus"), DATA_DIR: join(root, "data"), LLM_PROVIDER: "none" }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

type Answer = { answer: string; citations: { documentId: string; start: number; end: number; quote: string; page?: number }[] };

async function ask(question: string): Promise<Answer> {
  const response = await app().request("/ask", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ question }),
  });
  return (await response.json()) as Answer;
}

/** What a user checks: the quote is exactly the served document's text at its offsets. */
async function expectExact(citations: { documentId: string; start: number; end: number; quote: string }[]) {
  expect(citations.length).toBeGreaterThan(0);
  for (const c of citations) {
    const doc = (await (await app().request(`/documents/${encodeURIComponent(c.documentId)}`)).json()) as { text: string };
    expect(doc.text.slice(c.start, c.end)).toBe(c.quote);
  }
}

describe("answering from PDF and HTML documents", () => {
  it("quotes a PDF exactly and says which page the quote is on", async () => {
    const body = await ask("How many years did Tobias Wren serve as keeper?");
    expect(body.answer).toContain("31 years");
    await expectExact(body.citations);
    expect(body.citations[0]).toMatchObject({ documentId: "keepers", page: 2 });

    const doc = (await (await app().request("/documents/keepers")).json()) as { format: string; pageStarts: number[] };
    expect(doc.format).toBe("pdf");
    expect(doc.pageStarts).toHaveLength(2);
  });

  it("quotes a web page's article exactly, and never its navigation or footer", async () => {
    const body = await ask("When was the Harrow Point station automated?");
    expect(body.answer).toContain("1987");
    await expectExact(body.citations);
    expect(body.citations.find((c) => c.documentId === "news")?.page).toBeUndefined();
    const doc = (await (await app().request("/documents/news")).json()) as { format: string; text: string };
    expect(doc.format).toBe("html");
    expect(doc.text).not.toContain("Subscribe");
  });
});
