import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { createEmbeddings } from "../embeddings/index.js";
import { wordNetReportPdf } from "../eval/report-pdf.js";
import { writeWordNetCorpus } from "../eval/wordnet-corpus.js";
import { openStore } from "../index/open-store.js";
import { corpusOf, readCorpus } from "../ingest/documents.js";
import { DocumentLibrary } from "../library.js";
import { openPipeline } from "../service.js";
import { describeEvent } from "../progress.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:ingest -- [--corpus <dir>] [--mb 5] [--threads N] [--pages 50]";

/**
 * Builds the index of a corpus from nothing and reports where the time went: embedding (the encoder)
 * versus everything else, sentences embedded per second, bytes per second and the process's peak memory;
 * then how long a restart with the corpus unchanged takes to be ready, and how long a running server takes
 * to add a `--pages`-page PDF to it (an upload: read, embedded, committed and answering).
 * With no `--corpus`, it writes `--mb` megabytes of WordNet definitions as plain text to index.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      corpus: { type: "string" },
      mb: { type: "string", default: "5" },
      threads: { type: "string" },
      pages: { type: "string", default: "50" },
    },
  });
  const megabytes = Number(values.mb);
  const pages = Number(values.pages);
  if (!(megabytes > 0) || !Number.isInteger(pages) || pages < 1) throw new UsageError(USAGE);
  const settings = loadConfig();
  const threads = values.threads === undefined ? settings.embedThreads : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(USAGE);
  const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-bench-ingest-"));
  try {
    const corpusDir = values.corpus ?? join(scratch, "corpus");
    if (!values.corpus) {
      await mkdir(corpusDir);
      await writeWordNetCorpus(corpusDir, megabytes * 1_000_000);
    }
    const config = { ...settings, corpusDir, dataDir: join(scratch, "data"), embedThreads: threads };
    const documents = await readCorpus(config.corpusDir, () => {}, config.reading);
    const bytes = documents.reduce((sum, doc) => sum + Buffer.byteLength(doc.text), 0);
    const model = createEmbeddings(config);
    // The encoder's share: the wall time while a bulk embedding is open, which is when it runs.
    let encoderMs = 0;
    const openBulk = model.openBulk.bind(model);
    model.openBulk = (count) => {
      const bulk = openBulk(count);
      const opened = performance.now();
      return { ...bulk, close: () => bulk.close().finally(() => (encoderMs += performance.now() - opened)) };
    };
    console.error(`Indexing ${documents.length} documents, ${(bytes / 1e6).toFixed(2)} MB, with ${threads} encoder thread(s).`);
    let last = 0;
    const started = performance.now();
    const store = await openStore(config, model, (event) => {
      if (performance.now() - last > 5000 || event.phase !== "embedding") {
        last = performance.now();
        console.error(describeEvent(event));
      }
    });
    const index = await store.open(corpusOf(documents));
    const seconds = (performance.now() - started) / 1000;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const encoderPercent = (100 * encoderMs) / 1000 / seconds;
    // What a restart with an unchanged corpus costs: check and load the saved index, open the answerer.
    const serving = { ...config, llm: { ...config.llm, provider: "none" as const } };
    const reopened = performance.now();
    const pipeline = await openPipeline(serving);
    const readySeconds = (performance.now() - reopened) / 1000;
    // What adding one document costs a running server, as an upload: only it is read and embedded.
    const pdf = Buffer.from(await wordNetReportPdf(pages));
    const library = new DocumentLibrary(serving, pipeline, await openStore(serving, model, () => {}), model, () => {});
    // As a server does at start, so that loading the model is not counted as adding.
    await pipeline.embeddings.embedQuery("warm up");
    encoderMs = 0;
    const adding = performance.now();
    const [added] = await library.add([{ name: "report.pdf", bytes: pdf }]);
    const addSeconds = (performance.now() - adding) / 1000;
    const addEncoderSeconds = encoderMs / 1000;
    const sentences = index.sentences.count;
    console.log(`| measure | value |\n|---|---|`);
    console.log(
      `| corpus | ${documents.length} documents, ${(bytes / 1e6).toFixed(2)} MB, ${index.documents.passageCount} passages, ${sentences} sentences |`,
    );
    console.log(`| encoder threads | ${threads} |`);
    console.log(`| build time | ${seconds.toFixed(1)} s |`);
    console.log(`| throughput | ${(sentences / seconds).toFixed(1)} sentences/s, ${(bytes / 1000 / seconds).toFixed(2)} KB/s |`);
    console.log(`| time in the encoder / everything else | ${encoderPercent.toFixed(1)}% / ${(100 - encoderPercent).toFixed(1)}% |`);
    console.log(`| peak memory of the build (resident, whole process) | ${peakMb.toFixed(0)} MB |`);
    console.log(`| ready after a restart with the corpus unchanged (load, checks, answerer) | ${readySeconds.toFixed(1)} s |`);
    console.log(
      `| adding a ${pages}-page PDF (${(pdf.length / 1000).toFixed(0)} KB file, ${added!.passages} passages) to the running server | ` +
        `${addSeconds.toFixed(1)} s, ${addEncoderSeconds.toFixed(1)} s of it embedding (${((100 * addSeconds) / seconds).toFixed(1)}% of the full build) |`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
