import { ApiFailure, fetchDocuments, fetchExampleQuestions, type DocumentSummary } from "./api.js";
import { byId, h } from "./dom.js";

// Enough titles to see what kind of documents these are; the search finds the rest.
const TITLES_SHOWN = 6;

/** The empty state: which documents there are (a short list to search), or why there are none yet. */
export async function showLibrary(): Promise<void> {
  const library = byId<HTMLElement>("library");
  try {
    const { documents, uploads } = await fetchDocuments();
    if (documents.length === 0) {
      library.textContent = uploads
        ? "There are no documents yet: add documents with the Documents button."
        : "There are no documents yet: put .txt, .md, .html, .pdf or .docx files in the corpus folder and restart the server.";
      return;
    }
    library.replaceChildren(...documentList(documents));
  } catch (error) {
    library.textContent = error instanceof ApiFailure ? error.message : "The list of documents could not be read.";
  }
}

/** Why there is no list yet, while the server gets ready (readiness.ts). */
export function showLibraryWaiting(line: string): void {
  byId("library").textContent = line;
}

/** "Try asking": questions the documents' own headings ask, each one click from its answer. */
export async function showExamples(ask: (question: string) => void): Promise<void> {
  let questions: string[];
  try {
    questions = await fetchExampleQuestions();
  } catch {
    // Examples are a help, not a need: without them the page works as well.
    return;
  }
  if (questions.length === 0) return;
  const list = byId<HTMLElement>("example-list");
  list.replaceChildren(
    ...questions.map((question) => {
      const button = h("button", { type: "button", class: "example" }, question);
      button.addEventListener("click", () => ask(question));
      return h("li", {}, button);
    }),
  );
  byId("examples").hidden = false;
}

/** The count, a search box when there are more titles than shown, and the titles that match it. */
function documentList(documents: DocumentSummary[]): HTMLElement[] {
  const count = h("p", { class: "library-count" }, documents.length === 1 ? "1 document" : `${documents.length} documents`);
  const list = h("ul", { class: "library-list", "aria-label": "Documents" });
  const more = h("p", { class: "library-more", "aria-live": "polite" });
  const show = (query: string) => {
    const matching = matchingDocuments(documents, query);
    list.replaceChildren(...matching.slice(0, TITLES_SHOWN).map((d) => h("li", { title: d.path }, d.title)));
    const hidden = matching.length - Math.min(matching.length, TITLES_SHOWN);
    more.textContent =
      matching.length === 0 ? "No document title has those words." : hidden > 0 ? `and ${hidden} more: search to find them.` : "";
  };
  show("");
  if (documents.length <= TITLES_SHOWN) return [count, list];
  const search = h("input", { type: "search", class: "library-search", placeholder: "Find a document…", "aria-label": "Find a document" });
  search.addEventListener("input", () => show(search.value));
  return [count, search, list, more];
}

/** The documents whose title or path holds every word of `query`, in any case. */
export function matchingDocuments(documents: DocumentSummary[], query: string): DocumentSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return documents.filter((d) => words.every((w) => `${d.title} ${d.path}`.toLowerCase().includes(w)));
}

/**
 * Each document's title by id, for passages, which carry only the id. Read afresh each time, as the
 * documents can change while the page is open; empty when the list cannot be read, since a title
 * is a help and the passage's own heading stands in for it.
 */
export async function documentTitles(): Promise<Map<string, string>> {
  try {
    return new Map((await fetchDocuments()).documents.map((d) => [d.id, d.title]));
  } catch {
    return new Map();
  }
}
