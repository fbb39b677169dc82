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
        : "There are no documents yet: put .txt, .md, .html, .pdf, .docx, .pptx, .xlsx, .csv, .epub or image files in the corpus folder and restart the server.";
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

/** What the page needs to know of a document a citation or passage names, which carry only its id. */
export interface DocumentFacts {
  /** Each document's title by id. */
  titles: ReadonlyMap<string, string>;
  /** The ids of Markdown documents, whose quotes are shown with their emphasis. */
  markdown: ReadonlySet<string>;
}

let facts: Promise<DocumentFacts> | undefined;

/**
 * The facts of every document, read once and again when `ids` holds one not known yet (added since) or
 * after `forgetDocumentFacts`. Empty when the list cannot be read: a title is a help, and a passage's
 * own heading stands in for it; a quote then shows as plain text.
 */
export async function documentFacts(ids: string[] = []): Promise<DocumentFacts> {
  const known = facts && (await facts);
  if (known && ids.every((id) => known.titles.has(id))) return known;
  facts = fetchDocuments().then(
    ({ documents }) => ({
      titles: new Map(documents.map((d) => [d.id, d.title])),
      markdown: new Set(documents.filter((d) => d.format === "markdown").map((d) => d.id)),
    }),
    () => {
      facts = undefined;
      return { titles: new Map(), markdown: new Set() };
    },
  );
  return facts;
}

/** Documents were added, replaced or deleted: their facts are read afresh when next needed. */
export function forgetDocumentFacts(): void {
  facts = undefined;
}
