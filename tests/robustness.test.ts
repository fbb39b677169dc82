import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, Socket, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { AskPipeline } from "../src/answer/ask.js";
import { readCorpus } from "../src/ingest/documents.js";
import { documentIdFor, titleOf } from "../src/ingest/document-names.js";
import { splitDocument } from "../src/ingest/passages.js";
import type { SourceDocument } from "../src/ingest/types.js";
import { createApp } from "../src/server/app.js";
import { splitSentences } from "../src/text/sentences.js";
import { freePort, startServeProcess, stopServeProcess } from "./support/serve-process.js";
import { HeldDocuments } from "../src/index/held-documents.js";

const temporaryDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "grounded-qa-robustness-"));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A corpus folder holding `files` (path → text). */
async function corpusOf(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** An app serving `documents` from a stand-in pipeline: enough for `GET /documents/:id`. */
function appServing(documents: SourceDocument[]) {
  const pipeline = { index: { documents: HeldDocuments.of(documents, []) }, warnings: [] } as unknown as AskPipeline;
  return createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 });
}

describe("document ids", () => {
  it("keeps the letters of non-Latin names, and the document opens at GET /documents/:id", async () => {
    const dir = await corpusOf({ "日本語.md": "# 日本語の文書\n\n東京は日本の首都です。\n", "notes/Привет Мир.txt": "Привет.\n" });
    const documents = await readCorpus(dir);
    expect(documents.map((d) => d.id).sort()).toEqual(["notes--привет-мир", "日本語"]);
    expect(documentIdFor("日本語.md")).toBe("日本語");

    const app = appServing(documents);
    for (const doc of documents) {
      const response = await app.request(`/documents/${encodeURIComponent(doc.id)}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: doc.id,
        title: doc.title,
        path: doc.path,
        format: doc.format,
        text: doc.text,
        pageView: false,
      });
    }
  });

  it("gives a name with no letters or digits a stable short hash instead of an empty id", () => {
    const id = documentIdFor("🙂.md");
    expect(id).toMatch(/^doc-[0-9a-f]{10}$/);
    expect(documentIdFor("🙂.md")).toBe(id);
    expect(documentIdFor("🙃.md")).not.toBe(id);
    expect(encodeURIComponent(id)).toBe(id);
  });

  it("keeps the ids of ASCII names exactly as before", () => {
    expect(documentIdFor("reports/2024/Moscow Attack.md")).toBe("reports--2024--moscow-attack");
    expect(documentIdFor("iskp-moscow-attack.txt")).toBe("iskp-moscow-attack");
  });

  it("refuses two files that would get one id, naming both and saying to rename one", async () => {
    const dir = await corpusOf({ "a b.md": "First.\n", "a-b.md": "Second.\n", "c.md": "Third.\n" });
    const failure = readCorpus(dir);
    await expect(failure).rejects.toThrow(/"a b\.md" and "a-b\.md" would both get the document id "a-b": rename one/);
  });
});

describe("byte-order mark", () => {
  const text = "\uFEFF# Odd Unicode names\nThe file starts with a byte-order mark. Its title must not show it.\n";

  it("is not part of the title, and the text keeps it", async () => {
    expect(titleOf(text, "odd.md")).toBe("Odd Unicode names");
    expect(titleOf("\uFEFFPlain title line\n\nBody.", "odd.txt")).toBe("Plain title line");
    const [doc] = await readCorpus(await corpusOf({ "odd.md": text }));
    expect(doc!.title).toBe("Odd Unicode names");
    expect(doc!.text).toBe(text);
  });

  it("does not stop the first line from being a heading", () => {
    const doc: SourceDocument = { id: "odd", title: "Odd Unicode names", path: "odd.md", text, format: "markdown", bytes: text.length };
    const { passages, sentences } = splitDocument(doc, { maxChars: 400 });
    expect(passages.map((p) => [p.heading, p.text])).toEqual([
      ["Odd Unicode names", "The file starts with a byte-order mark. Its title must not show it."],
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});

describe("hard-wrapped plain text", () => {
  const wrapped = [
    "Release notes",
    "",
    "The server reads every file in the corpus folder when it starts, and it",
    "builds an index of the passages it finds there before it answers any",
    "question. A window that is too narrow for the text gets a scrollbar when it",
    "is the last one open, so nothing is cut off. Questions asked while the index",
    "is being built get an answer that says to try again in a moment.",
    "",
  ].join("\r\n");
  const paragraph = { start: wrapped.indexOf("The server"), end: wrapped.lastIndexOf(".") + 1 };

  it("ends sentences at full stops, not at line breaks, with exact offsets", () => {
    const sentences = splitSentences(wrapped, paragraph).map((s) => wrapped.slice(s.start, s.end));
    expect(sentences).toHaveLength(3);
    expect(sentences[0]).toMatch(/^The server reads .* any\r\nquestion\.$/s);
    expect(sentences[1]).toMatch(/^A window .* nothing is cut off\.$/s);
    expect(sentences[2]).toMatch(/^Questions asked .* in a moment\.$/s);
    for (const s of sentences) expect(s).toContain("\r\n");
  });

  it("gives whole sentences in the document's passages, under its heading", () => {
    const doc: SourceDocument = {
      id: "notes",
      title: "Release notes",
      path: "notes.txt",
      text: wrapped,
      format: "text",
      bytes: wrapped.length,
    };
    const { passages, sentences } = splitDocument(doc, { maxChars: 1200 });
    expect(passages).toHaveLength(1);
    expect(passages[0]!.heading).toBe("Release notes");
    expect(sentences).toHaveLength(3);
    expect(passages[0]!.text).toBe(wrapped.slice(paragraph.start, paragraph.end));
    for (const s of sentences) {
      expect(wrapped.slice(s.start, s.end)).toBe(s.text);
      expect(s.text).toMatch(/^[A-Z].*\.$/s);
      expect(s.text).toContain("\r\n");
    }
  });

  it("still ends a sentence at list items, markdown headings and short lines", () => {
    const text =
      "Overview\nThe protocol is described below, one message at a time, in this order.\n- first item\n- second item\n# Heading\nLast line.";
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      "Overview",
      "The protocol is described below, one message at a time, in this order.",
      "- first item",
      "- second item",
      "# Heading",
      "Last line.",
    ]);
  });
});

describe("npm start", () => {
  let child: ChildProcess | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await stopServeProcess(child);
    child = undefined;
    await new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done()));
    blocker = undefined;
  });

  /** Starts `src/cli/serve.ts` on `port` over a one-document corpus, collecting its output. */
  async function start(port: number) {
    const corpus = await corpusOf({ "note.txt": "A note\n\nThe quick brown fox jumps over the lazy dog. It was quick.\n" });
    const server = startServeProcess(port, corpus, await tempDir());
    child = server.proc;
    return server;
  }

  function listen(port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => socket.destroy());
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve(server));
    });
  }

  it("says in one line that the port is in use, and exits non-zero", async () => {
    blocker = await listen(0);
    const port = (blocker.address() as { port: number }).port;
    const { output, exit } = await start(port);
    const { code } = await Promise.race([
      exit,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running: ${output.stdout}${output.stderr}`)), 60_000)),
    ]);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = output.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines).toEqual([`error: port ${port} on 127.0.0.1 is already in use: stop the other server or set PORT`]);
    expect(output.stderr + output.stdout).not.toMatch(/^ {4}at /m);
  });

  it("exits promptly on SIGTERM with a half-sent request open", async () => {
    const port = await freePort();
    const { proc, output, exit } = await start(port);
    await vi.waitFor(() => expect(output.stdout).toContain("Listening on"), { timeout: 30_000, interval: 50 });

    const socket = new Socket();
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("error", () => {});
    await new Promise<void>((done) => socket.connect(port, "127.0.0.1", done));
    socket.write('POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"q');
    await new Promise((done) => setTimeout(done, 200));

    const signalled = Date.now();
    proc.kill("SIGTERM");
    const { at } = await Promise.race([
      exit,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no exit 5 s after SIGTERM")), 5_000)),
    ]);
    expect(at - signalled).toBeLessThan(5_000);
    await closed;
    socket.destroy();
  });
});
