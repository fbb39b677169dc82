import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_READING_LIMITS } from "../config.js";
import { scannedPdf } from "../dev/scans.js";
import { DocumentReader } from "../ingest/reader.js";
import { pct, percentile } from "../eval/metrics.js";
import { type BenchServer, buildServer, startBenchServer } from "./compiled-server.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:ocr -- [--pages 10] [--load-pages 20]";
const ARTICLE = "corpus/iskp-moscow-attack.txt";
/** Words a page of 11-point type at the scanner's margins holds with room to spare. */
const WORDS_PER_PAGE = 330;
const ADMIN_TOKEN = "bench-ocr-admin-token";

/**
 * OCR measured on scans made from the sample article (rendered at 200 dpi as an office scanner would,
 * wrapped in a PDF without a text layer): the word error rate of what OCR reads against the words drawn,
 * and the time to read a `--pages` scan in the reading thread as the server does. Then, with the compiled
 * server running on the article, how `/healthz` and `/ask` answer before and while a `--load-pages` scan
 * is uploaded and read.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: { pages: { type: "string", default: "10" }, "load-pages": { type: "string", default: "20" } },
  });
  const pages = Number(values.pages);
  const loadPages = Number(values["load-pages"]);
  if (!Number.isInteger(pages) || pages < 1 || !Number.isInteger(loadPages) || loadPages < 0) throw new UsageError(USAGE);
  const words = (await readFile(ARTICLE, "utf8")).split(/\s+/).filter(Boolean);
  const pageWords = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const start = (i * WORDS_PER_PAGE) % Math.max(1, words.length - WORDS_PER_PAGE);
      return words.slice(start, start + WORDS_PER_PAGE);
    });

  const drawn = pageWords(pages);
  const scan = await scannedPdf(drawn.map((page) => [page.join(" ")]));
  const reader = new DocumentReader(DEFAULT_READING_LIMITS);
  const began = performance.now();
  const doc = await reader.read("bench-scan.pdf", scan).finally(() => reader.close());
  const seconds = (performance.now() - began) / 1000;
  const read = doc.text.split(/\s+/).filter(Boolean);
  const reference = drawn.flat();
  const errors = editDistance(reference.map(normalised), read.map(normalised));
  const confidence = (doc.ocrPages ?? []).reduce((sum, p) => sum + p.confidence, 0) / Math.max(1, doc.ocrPages?.length ?? 0);
  console.log("| pages | words drawn | words read | word error rate | words right | mean confidence | time | per page |");
  console.log("|---|---|---|---|---|---|---|---|");
  console.log(
    `| ${pages} | ${reference.length} | ${read.length} | ${pct(errors / reference.length)} | ${pct(1 - errors / reference.length)} | ${confidence.toFixed(1)} | ${seconds.toFixed(1)} s | ${(seconds / pages).toFixed(2)} s |`,
  );
  if (loadPages > 0) await latencyWhileReading(await scannedPdf(pageWords(loadPages).map((page) => [page.join(" ")])), loadPages);
});

/** Words compared as a reader would: case, and punctuation around a word, do not count. */
function normalised(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

/** The fewest words inserted, deleted or replaced to turn `a` into `b` (Levenshtein over words). */
function editDistance(a: string[], b: string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

async function latencyWhileReading(scan: Uint8Array, pages: number): Promise<void> {
  buildServer();
  const dataDir = await mkdtemp(join(tmpdir(), "grounded-qa-bench-ocr-"));
  const corpus = await mkdtemp(join(tmpdir(), "grounded-qa-bench-ocr-corpus-"));
  await copyFile(ARTICLE, join(corpus, "iskp-moscow-attack.txt"));
  let server: BenchServer | undefined;
  try {
    server = await startBenchServer({ CORPUS_DIR: corpus, DATA_DIR: dataDir, ADMIN_TOKEN, WORKERS: "1" });
    const { url } = server;
    const probe = async (route: "healthz" | "ask") => {
      const began = performance.now();
      const response = await (route === "healthz"
        ? fetch(`${url}/healthz`)
        : fetch(`${url}/ask`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ question: "How many people were killed in the Moscow attack?" }),
          }));
      await response.arrayBuffer();
      return performance.now() - began;
    };
    /** Asks `/healthz`, then `/ask`, 50 ms apart, `count` times or, with `until`, until it holds. */
    const sample = async (count: number, until?: () => boolean) => {
      const times = { healthz: [] as number[], ask: [] as number[] };
      for (let i = 0; until ? !until() : i < count; i++) {
        times.healthz.push(await probe("healthz"));
        times.ask.push(await probe("ask"));
        await new Promise((done) => setTimeout(done, 50));
      }
      return times;
    };
    await sample(5);
    const unloaded = await sample(30);
    const form = new FormData();
    form.append("files", new Blob([new Uint8Array(scan)]), "bench-load-scan.pdf");
    let done = false;
    const began = performance.now();
    const upload = fetch(`${url}/documents`, { method: "POST", body: form, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      .then((r) => r.json())
      .finally(() => (done = true));
    const loaded = await sample(0, () => done);
    const result = (await upload) as { documents?: { passages: number }[]; error?: { message: string } };
    if (!result.documents) throw new Error(`the upload failed: ${result.error?.message}`);
    const uploadSeconds = (performance.now() - began) / 1000;
    console.log(`\nWhile a ${pages}-page scan was uploaded, read by OCR and indexed (${uploadSeconds.toFixed(1)} s):\n`);
    console.log("| route | unloaded p50 | p50 while reading | ratio | p95 while reading | requests while reading |");
    console.log("|---|---|---|---|---|---|");
    for (const route of ["healthz", "ask"] as const) {
      const before = percentile(unloaded[route], 50);
      const during = percentile(loaded[route], 50);
      console.log(
        `| /${route} | ${before.toFixed(1)} ms | ${during.toFixed(1)} ms | ${(during / before).toFixed(2)} | ${percentile(loaded[route], 95).toFixed(1)} ms | ${loaded[route].length} |`,
      );
    }
  } finally {
    await server?.stop();
    await Promise.all([dataDir, corpus].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
