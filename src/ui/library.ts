import { ApiFailure, fetchDocumentList } from "./api.js";
import { byId } from "./dom.js";

const RETRY_WHILE_LOADING_MS = 2000;

/** The empty state's line about what can be asked: which documents there are, or why there are none yet. */
export async function showLibrary(): Promise<void> {
  const library = byId<HTMLParagraphElement>("library");
  try {
    const documents = await fetchDocumentList();
    library.textContent =
      documents.length === 0
        ? "There are no documents yet: add .txt or .md files to the corpus folder and restart the server."
        : `${documents.length === 1 ? "1 document" : `${documents.length} documents`}: ${documents.map((d) => d.title).join("; ")}.`;
  } catch (error) {
    const failure = error instanceof ApiFailure ? error : new ApiFailure("The list of documents could not be read.");
    library.textContent = (failure.status === 503 && (await buildProgressLine())) || failure.message;
    // 503 means the index is still being built: the list will come once it is ready.
    if (failure.status === 503) setTimeout(() => void showLibrary(), RETRY_WHILE_LOADING_MS);
  }
}

/** "Building the index: 128 of 331 sentences embedded…" from `/healthz` while a build runs, else undefined. */
async function buildProgressLine(): Promise<string | undefined> {
  try {
    const health = await (await fetch("/healthz")).json();
    const progress = health?.status === "building" ? health.progress : undefined;
    if (!progress) return undefined;
    return typeof progress.total === "number" ? `Building the index: ${progress.done} of ${progress.total} ${progress.what} embedded…` : "Building the index…";
  } catch {
    return undefined;
  }
}

/**
 * Each document's title by id, for passages, which carry only the id. Read afresh each time, as the
 * documents can change while the page is open; empty when the list cannot be read, since a title
 * is a help and the passage's own heading stands in for it.
 */
export async function documentTitles(): Promise<Map<string, string>> {
  try {
    return new Map((await fetchDocumentList()).map((d) => [d.id, d.title]));
  } catch {
    return new Map();
  }
}
