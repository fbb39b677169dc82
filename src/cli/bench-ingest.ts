import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { createEmbeddings } from "../embeddings/index.js";
import { writeWordNetCorpus } from "../eval/wordnet-corpus.js";
import { openIndex } from "../index/open.js";
import { readCorpus } from "../ingest/documents.js";
import { openPipeline } from "../service.js";
import { runCli, UsageError } from "./run.js";

const USAGE = "npm run bench:ingest -- [--corpus <dir>] [--mb 5] [--threads N]";

/**
 * Builds the index of a corpus from nothing and reports where the time went: embedding (the encoder)
 * versus everything else, sentences embedded per second, bytes per second and the process's peak memory;
 * then how long a restart with the corpus unchanged takes to be ready, and (for the generated corpus, whose
 * first document is held back until then) how long adding one document takes.
 * With no `--corpus`, it writes `--mb` megabytes of WordNet definitions as plain text to index.
 */
await runCli(async (args) => {
  const { values } = parseArgs({
    args,
    options: { corpus: { type: "string" }, mb: { type: "string", default: "5" }, threads: { type: "string" } },
  });
  const megabytes = Number(values.mb);
  if (!(megabytes > 0)) throw new UsageError(USAGE);
  const settings = loadConfig();
  const threads = values.threads === undefined ? settings.embedThreads : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(USAGE);
  const scratch = await mkdtemp(join(tmpdir(), "grounded-qa-bench-ingest-"));
  try {
    const corpusDir = values.corpus ?? join(scratch, "corpus");
    // With the generated corpus, its first document (a full-size one) is held back, to be added once the rest is indexed.
    let heldBack: { from: string; to: string } | undefined;
    if (!values.corpus) {
      await mkdir(corpusDir);
      await writeWordNetCorpus(corpusDir, megabytes * 1_000_000);
      const first = (await readdir(corpusDir)).sort()[0]!;
      heldBack = { from: join(scratch, first), to: join(corpusDir, first) };
      await rename(heldBack.to, heldBack.from);
    }
    const config = { ...settings, corpusDir, dataDir: join(scratch, "data"), embedThreads: threads };
    const documents = await readCorpus(config.corpusDir);
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
    const index = await openIndex(documents, model, { maxChars: config.chunkMaxChars }, config.dataDir, (message) => {
      if (performance.now() - last > 5000 || !message.startsWith("Embedded")) {
        last = performance.now();
        console.error(message);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const encoderPercent = (100 * encoderMs) / 1000 / seconds;
    // What a restart with an unchanged corpus costs: check and load the saved index, open the answerer.
    const reopened = performance.now();
    await openPipeline({ ...config, llm: { ...config.llm, provider: "none" } });
    const readySeconds = (performance.now() - reopened) / 1000;
    // What adding one document costs once the rest is indexed: only it is embedded.
    let addSeconds: number | undefined;
    if (heldBack) {
      await rename(heldBack.from, heldBack.to);
      const added = performance.now();
      await openIndex(await readCorpus(config.corpusDir), model, { maxChars: config.chunkMaxChars }, config.dataDir);
      addSeconds = (performance.now() - added) / 1000;
    }
    const sentences = index.sentences.length;
    console.log(`| measure | value |\n|---|---|`);
    console.log(`| corpus | ${documents.length} documents, ${(bytes / 1e6).toFixed(2)} MB, ${index.passages.size} passages, ${sentences} sentences |`);
    console.log(`| encoder threads | ${threads} |`);
    console.log(`| build time | ${seconds.toFixed(1)} s |`);
    console.log(`| throughput | ${(sentences / seconds).toFixed(1)} sentences/s, ${(bytes / 1000 / seconds).toFixed(2)} KB/s |`);
    console.log(`| time in the encoder / everything else | ${encoderPercent.toFixed(1)}% / ${(100 - encoderPercent).toFixed(1)}% |`);
    console.log(`| peak memory of the build (resident, whole process) | ${peakMb.toFixed(0)} MB |`);
    console.log(`| ready after a restart with the corpus unchanged (load, checks, answerer) | ${readySeconds.toFixed(1)} s |`);
    if (addSeconds !== undefined) {
      console.log(`| adding one more ${(Buffer.byteLength((await readCorpus(config.corpusDir))[0]!.text) / 1000).toFixed(0)} KB document, then indexing | ${addSeconds.toFixed(1)} s (${((100 * addSeconds) / seconds).toFixed(1)}% of the full build) |`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
