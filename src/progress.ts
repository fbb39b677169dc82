/**
 * What a long-running step (a build, a conversion, reading the corpus) is doing, as facts rather than
 * words: code and tests read the fields, and only the edges (the log, the terminal, `/healthz`) turn an
 * event into its sentence with `describeEvent`.
 */
export type ProgressEvent =
  /** The corpus, or the documents of a change, split into pieces. */
  | { phase: "split"; documents: number; passages: number; sentences: number }
  /** `done` of `total` texts embedded so far; `unit` says what they are ("sentences and headings"). */
  | { phase: "embedding"; done: number; total: number; unit: string }
  /** A whole index of the files store is built, and why; `reason` is the human detail ("no index yet"). */
  | { phase: "building"; cause: BuildCause; reason: string }
  /** The database's documents are all split and embedded again: asked for, or indexed with other settings. */
  | { phase: "reindexing"; cause: "rebuild" }
  | { phase: "reindexing"; cause: "stale"; reason: string }
  /** A build keeps the vectors of `documents` unchanged documents and embeds `embedding` others. */
  | { phase: "reused"; documents: number; embedding: number }
  /** A built index was saved in `folder`. */
  | { phase: "saved"; folder: string }
  /** Documents new or changed (`added`) and removed, written into the saved index as a change. */
  | { phase: "updated"; added: number; removed: number }
  /** A file of the corpus read, with something its reader should know (`notice`). */
  | { phase: "read"; path: string; notice: string }
  /** `done` of the `total` pages of a scan or photo that OCR reads, read so far. */
  | { phase: "ocr"; path: string; done: number; total: number }
  /** A file of the corpus not indexed, and why. */
  | { phase: "left-out"; path: string; reason: string }
  /** The index folder's lock: waited for while another build holds it, or taken over from a process that died. */
  | { phase: "lock"; state: "waiting"; folder: string }
  | { phase: "lock"; state: "taken-over"; pid: number }
  /** Anything else, which is only ever printed. */
  | { phase: "note"; message: string };

/**
 * Why a whole index is built: there is none, it was made with other settings (format, model, chunking),
 * too much of the corpus changed to add as a change, it is damaged, or it is compacted from its own vectors.
 */
export type BuildCause = "no-index" | "stale" | "corpus-changed" | "damaged" | "compacting";

/** Where a long-running step reports what it is doing, one event at a time. */
export type Progress = (event: ProgressEvent) => void;

/** How far a build of the index has got, as `/healthz` reports it. */
export interface BuildProgress {
  /** The phase of the build's last event. */
  phase: ProgressEvent["phase"];
  /** While embedding: how many of how many of what ("sentences and headings") are done. */
  done?: number;
  total?: number;
  unit?: string;
  /** The last event in words ("Embedded 128/331 sentences and headings."). */
  message: string;
  /** When the build started (ISO 8601). */
  startedAt: string;
}

const VERB: Record<BuildCause, string> = {
  "no-index": "Building",
  stale: "Building",
  "corpus-changed": "Building",
  damaged: "Rebuilding",
  compacting: "Compacting",
};

/** The one sentence an event is printed as, in the log and on the terminal. */
export function describeEvent(event: ProgressEvent): string {
  switch (event.phase) {
    case "split":
      return `${event.documents} documents, ${event.passages} passages, ${event.sentences} sentences.`;
    case "embedding":
      return `Embedded ${event.done}/${event.total} ${event.unit}.`;
    case "building":
      return `${VERB[event.cause]} the index: ${event.reason}.`;
    case "reindexing":
      return event.cause === "rebuild" ? "Re-indexing every document in the database." : `Re-indexing the database: ${event.reason}.`;
    case "reused":
      return `Reusing the vectors of ${event.documents} unchanged documents; embedding ${event.embedding}.`;
    case "saved":
      return `Index saved to ${event.folder}.`;
    case "updated":
      return `Index updated: ${describeChange(event.added, event.removed)}.`;
    case "read":
      return `Read ${event.path}, though ${event.notice}.`;
    case "ocr":
      return `Read ${event.done}/${event.total} pages of ${event.path} by OCR.`;
    case "left-out":
      return `Leaving out ${event.path}: ${event.reason}.`;
    case "lock":
      return event.state === "waiting"
        ? `Waiting for another build of the index in ${event.folder} to finish.`
        : `Taking over the index lock of process ${event.pid}, which is no longer running.`;
    case "note":
      return event.message;
  }
}

/** How many documents a change adds (new or changed) and removes, in words: "1 document new or changed, 0 removed". */
export function describeChange(added: number, removed: number): string {
  return `${added} ${added === 1 ? "document" : "documents"} new or changed, ${removed} removed`;
}

/** What `/healthz` says of a build whose last event is `event`. */
export function buildProgressOf(event: ProgressEvent, startedAt: string): BuildProgress {
  const counts =
    event.phase === "embedding"
      ? { done: event.done, total: event.total, unit: event.unit }
      : event.phase === "ocr"
        ? { done: event.done, total: event.total, unit: `pages of ${event.path} read by OCR` }
        : {};
  return { phase: event.phase, ...counts, message: describeEvent(event), startedAt };
}
