import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ingestReport, paceOf } from "../src/cli/ingest-progress.js";
import type { ProgressEvent } from "../src/progress.js";

/** A stream that says it is a terminal (or not), keeping what is written to it. */
function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 200 });
  return { stream, written: () => chunks.join("") };
}

const split: ProgressEvent = { phase: "split", documents: 2, passages: 5, sentences: 9 };
const embedded = (done: number): ProgressEvent => ({ phase: "embedding", done, total: 11, unit: "sentences and headings" });
const saved: ProgressEvent = { phase: "saved", folder: "/tmp/x" };

describe("the progress of npm run ingest", () => {
  it("counts documents and passages done in the share embedded, per second, and the time left at that pace", () => {
    expect(paceOf({ documents: 12, passages: 300 }, 250, 1000, 2)).toEqual({
      documentsPerSecond: "1.5",
      passagesPerSecond: "38",
      timeLeft: "6s",
    });
    expect(paceOf({ documents: 12, passages: 300 }, 10, 1000, 2).timeLeft).toBe("3m 18s");
    expect(paceOf(undefined, 10, 100, 0)).toEqual({ documentsPerSecond: "–", passagesPerSecond: "–", timeLeft: "–" });
  });

  it("prints every event as its line where there is no terminal", () => {
    const { stream, written } = terminal(false);
    const report = ingestReport(stream);
    const events: ProgressEvent[] = [
      { phase: "building", cause: "corpus-changed", reason: "corpus changed (1 document new or changed, 0 removed)" },
      split,
      { phase: "reused", documents: 3, embedding: 1 },
      embedded(9),
      { phase: "left-out", path: "x.docx", reason: "the Word document has no text" },
      saved,
    ];
    for (const event of events) report.progress(event);
    report.stop();
    expect(written()).toBe(
      [
        "Building the index: corpus changed (1 document new or changed, 0 removed).",
        "2 documents, 5 passages, 9 sentences.",
        "Reusing the vectors of 3 unchanged documents; embedding 1.",
        "Embedded 9/11 sentences and headings.",
        "Leaving out x.docx: the Word document has no text.",
        "Index saved to /tmp/x.",
        "",
      ].join("\n"),
    );
  });

  it("on a terminal, draws a bar instead of the embedding lines, and prints every other event, even the last, above it", () => {
    const { stream, written } = terminal(true);
    const report = ingestReport(stream);
    report.progress(split);
    report.progress(embedded(4));
    report.progress(embedded(11));
    report.progress(saved);
    report.stop();
    const output = written();
    expect(output).toContain("2 documents, 5 passages, 9 sentences.\n");
    expect(output).not.toContain("Embedded");
    expect(output).toMatch(
      /Index saved to \/tmp\/x\.\n[\s\S]*Indexing \[\u2588{20}\] 100% \| ETA 0s \| .+ documents\/s, .+ passages\/s \| 11\/11 sentences and headings[^\n]*\n$/,
    );
  });
});
