import { adminToken } from "./admin-token.js";
import { ApiFailure, deleteDocument, fetchDocuments, type DocumentSummary } from "./api.js";
import { byId, h } from "./dom.js";
import { matchingDocuments } from "./library.js";
import { watchUploads, type UploadLimits } from "./upload.js";

const FORMATS: Record<DocumentSummary["format"], string> = {
  text: "Text",
  markdown: "Markdown",
  html: "HTML",
  pdf: "PDF",
  docx: "Word",
  pptx: "Slides",
  xlsx: "Excel",
  csv: "CSV",
  epub: "E-book",
  image: "Image",
};
// Up to this many, the whole list takes a glance; past it, a search box helps.
const SEARCH_FROM = 8;

/**
 * The Documents drawer: every document with its format, size and passages, and, when the server takes
 * uploads, adding documents (upload.ts) and deleting them. A modal <dialog>, so that Escape, keeping
 * focus inside and hiding the chat from screen readers come with it. `changed` runs after every upload
 * and delete, for the rest of the page to catch up.
 */
export function documentsDrawer(changed: () => void): void {
  const dialog = byId<HTMLDialogElement>("documents");
  const opener = byId("documents-open");
  const heading = byId("documents-heading");
  const count = byId("documents-count");
  const search = byId<HTMLInputElement>("documents-search");
  const list = byId("document-list");
  const status = byId("documents-status");
  const withToken = adminToken();
  const announce = (message: string) => (status.textContent = message);
  let documents: DocumentSummary[] = [];
  let uploads = false;
  let limits: UploadLimits = {};

  const render = () => {
    const shown = matchingDocuments(documents, search.hidden ? "" : search.value);
    const total = documents.length;
    const of = shown.length < total ? `${shown.length} of ` : "";
    count.textContent =
      total === 0
        ? "No documents yet"
        : shown.length === 0
          ? "No document title has those words."
          : `${of}${total} document${total === 1 ? "" : "s"}`;
    list.replaceChildren(...shown.map((doc) => row(doc, uploads ? (remove) => confirmDelete(doc, remove) : undefined)));
  };
  const refresh = async () => {
    try {
      let maxUploadBytes: number | undefined;
      let formats: string[] | undefined;
      ({ documents, uploads, maxUploadBytes, formats } = await fetchDocuments());
      limits = { maxUploadBytes, formats };
    } catch (error) {
      list.replaceChildren();
      count.textContent = error instanceof ApiFailure ? error.message : "The list of documents could not be read.";
      return;
    }
    byId("upload").hidden = !uploads;
    byId("uploads-off").hidden = uploads;
    search.hidden = documents.length < SEARCH_FROM;
    render();
  };
  const afterChange = async () => {
    changed();
    await refresh();
  };

  /** Asks in the row itself, where keyboards and tests can answer, rather than with window.confirm. */
  const confirmDelete = (doc: DocumentSummary, remove: HTMLButtonElement) => {
    const question = h("p", {}, `Delete ${doc.title}? It will no longer be used for answers.`);
    const yes = h("button", { type: "button", class: "danger" }, "Delete");
    const no = h("button", { type: "button", class: "secondary" }, "Cancel");
    const box = h("div", { class: "confirm", role: "group", "aria-label": `Delete ${doc.title}` }, question, yes, no);
    const cancel = () => {
      box.remove();
      remove.hidden = false;
      remove.focus();
    };
    no.addEventListener("click", cancel);
    // Escape answers "Cancel" here, rather than closing the whole drawer.
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !no.disabled) {
        event.preventDefault();
        cancel();
      }
    });
    yes.addEventListener("click", async () => {
      yes.disabled = no.disabled = true;
      question.textContent = `Deleting ${doc.title}…`;
      try {
        await withToken(
          (token) => deleteDocument(doc.id, token),
          () => (question.textContent = "Waiting for the admin token…"),
        );
        announce(`Deleted ${doc.title}.`);
        heading.focus();
        await afterChange();
      } catch (error) {
        question.textContent = `Not deleted: ${error instanceof ApiFailure ? error.message : "something went wrong in the page."}`;
        question.className = "error";
        no.disabled = false;
        no.focus();
      }
    });
    remove.hidden = true;
    remove.after(box);
    no.focus();
  };

  watchUploads(withToken, afterChange, announce, () => limits);
  opener.addEventListener("click", () => {
    dialog.showModal();
    heading.focus();
    void refresh();
  });
  byId("documents-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener.focus());
  search.addEventListener("input", render);
}

/** A document's title and facts, with its Delete button when `onDelete` is given. */
function row(doc: DocumentSummary, onDelete?: (remove: HTMLButtonElement) => void): HTMLLIElement {
  const passages = doc.passages === 1 ? "1 passage" : `${doc.passages} passages`;
  const item = h(
    "li",
    { class: "document" },
    h("p", { class: "document-title" }, doc.title),
    h("p", { class: "document-facts" }, `${doc.path} · ${FORMATS[doc.format] ?? doc.format} · ${size(doc.bytes)} · ${passages}`),
  );
  if (onDelete) {
    const remove = h("button", { type: "button", class: "secondary", "aria-label": `Delete ${doc.title}` }, "Delete");
    remove.addEventListener("click", () => onDelete(remove));
    item.append(remove);
  }
  return item;
}

/** "820 bytes", "24 KB", "3.1 MB": as file managers count, in units of 1024. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
