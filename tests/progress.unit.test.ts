import { describe, expect, it } from "vitest";
import { buildProgressOf, describeEvent, type ProgressEvent } from "../src/progress.js";

describe("progress in words", () => {
  it("says each event as the one line the log and the terminal show", () => {
    const lines: [ProgressEvent, string][] = [
      [{ phase: "split", documents: 3, passages: 5, sentences: 9 }, "3 documents, 5 passages, 9 sentences."],
      [{ phase: "embedding", done: 128, total: 331, unit: "sentences and headings" }, "Embedded 128/331 sentences and headings."],
      [{ phase: "building", cause: "no-index", reason: "no index yet" }, "Building the index: no index yet."],
      [{ phase: "building", cause: "stale", reason: "chunking settings changed" }, "Building the index: chunking settings changed."],
      [
        { phase: "building", cause: "corpus-changed", reason: "corpus changed (2 documents new or changed, 1 removed)" },
        "Building the index: corpus changed (2 documents new or changed, 1 removed).",
      ],
      [
        { phase: "building", cause: "damaged", reason: "text.json is damaged (truncated)" },
        "Rebuilding the index: text.json is damaged (truncated).",
      ],
      [
        { phase: "building", cause: "compacting", reason: "rebuilding it from its own vectors" },
        "Compacting the index: rebuilding it from its own vectors.",
      ],
      [{ phase: "reindexing", cause: "rebuild" }, "Re-indexing every document in the database."],
      [
        { phase: "reindexing", cause: "stale", reason: "it was indexed with m, chunks of 600 characters" },
        "Re-indexing the database: it was indexed with m, chunks of 600 characters.",
      ],
      [{ phase: "reused", documents: 3, embedding: 9 }, "Reusing the vectors of 3 unchanged documents; embedding 9."],
      [{ phase: "saved", folder: "/data/index-1" }, "Index saved to /data/index-1."],
      [{ phase: "updated", added: 1, removed: 0 }, "Index updated: 1 document new or changed, 0 removed."],
      [{ phase: "updated", added: 0, removed: 2 }, "Index updated: 0 documents new or changed, 2 removed."],
      [
        { phase: "read", path: "gate.pdf", notice: "5 of its characters came out as glyphs with no known letter" },
        "Read gate.pdf, though 5 of its characters came out as glyphs with no known letter.",
      ],
      [
        { phase: "left-out", path: "x.docx", reason: "the Word document has no text" },
        "Leaving out x.docx: the Word document has no text.",
      ],
      [{ phase: "lock", state: "waiting", folder: "data" }, "Waiting for another build of the index in data to finish."],
      [{ phase: "lock", state: "taken-over", pid: 42 }, "Taking over the index lock of process 42, which is no longer running."],
      [{ phase: "note", message: "Loading the new index." }, "Loading the new index."],
    ];
    for (const [event, line] of lines) expect(describeEvent(event)).toBe(line);
  });

  it("tells /healthz the counts of an embedding event, and only the phase and its line of any other", () => {
    const startedAt = "2026-01-01T00:00:00.000Z";
    expect(buildProgressOf({ phase: "embedding", done: 128, total: 331, unit: "sentences and headings" }, startedAt)).toEqual({
      phase: "embedding",
      done: 128,
      total: 331,
      unit: "sentences and headings",
      message: "Embedded 128/331 sentences and headings.",
      startedAt,
    });
    expect(buildProgressOf({ phase: "saved", folder: "/data/index-1" }, startedAt)).toEqual({
      phase: "saved",
      message: "Index saved to /data/index-1.",
      startedAt,
    });
  });
});
