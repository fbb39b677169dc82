import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildStepOf, ingestReport, paceOf } from "../src/cli/ingest-progress.js";

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

describe("the progress of npm run ingest", () => {
  it("reads the corpus split and the sentences embedded from a build's lines, and nothing from the others", () => {
    expect(buildStepOf("12 documents, 340 passages, 2900 sentences.")).toEqual({ kind: "split", documents: 12, passages: 340 });
    expect(buildStepOf("Embedded 128/2931 sentences and headings.")).toEqual({ kind: "embedded", done: 128, total: 2931 });
    expect(buildStepOf("Reusing the vectors of 3 unchanged documents; embedding 9.")).toBeUndefined();
    expect(buildStepOf("Leaving out x.docx: the Word document has no text.")).toBeUndefined();
  });

  it("counts documents and passages done in the share embedded, per second, and the time left at that pace", () => {
    expect(paceOf({ documents: 12, passages: 300 }, 250, 1000, 2)).toEqual({ documentsPerSecond: "1.5", passagesPerSecond: "38", timeLeft: "6s" });
    expect(paceOf({ documents: 12, passages: 300 }, 10, 1000, 2).timeLeft).toBe("3m 18s");
    expect(paceOf(undefined, 10, 100, 0)).toEqual({ documentsPerSecond: "–", passagesPerSecond: "–", timeLeft: "–" });
  });

  it("prints the build's lines as they are where there is no terminal", () => {
    const { stream, written } = terminal(false);
    const report = ingestReport(stream);
    for (const line of ["2 documents, 5 passages, 9 sentences.", "Embedded 9/11 sentences and headings.", "Index saved to /tmp/x."]) report.progress(line);
    report.stop();
    expect(written()).toBe("2 documents, 5 passages, 9 sentences.\nEmbedded 9/11 sentences and headings.\nIndex saved to /tmp/x.\n");
  });

  it("on a terminal, draws a bar instead of the embedding lines, and prints every other line, even the last, above it", () => {
    const { stream, written } = terminal(true);
    const report = ingestReport(stream);
    report.progress("2 documents, 5 passages, 9 sentences.");
    report.progress("Embedded 4/11 sentences and headings.");
    report.progress("Embedded 11/11 sentences and headings.");
    report.progress("Index saved to /tmp/x.");
    report.stop();
    const output = written();
    expect(output).toContain("2 documents, 5 passages, 9 sentences.\n");
    expect(output).not.toContain("Embedded");
    expect(output).toMatch(/Index saved to \/tmp\/x\.\n[^]*Indexing \[\u2588{20}\] 100% \| ETA 0s \| .+ documents\/s, .+ passages\/s \| 11\/11 sentences and headings[^\n]*\n$/);
  });
});
