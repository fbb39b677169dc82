import { fetchDocument } from "./api.js";
import type { SourcePanel } from "./source-panel.js";

/** `?doc=<id>#<start>-<end>`, the link a citation carries through the OpenAI-compatible API and MCP. */
const SPAN = /^#(\d+)-(\d+)$/;

/**
 * Opens the span a citation link names in the source panel, so a reader who follows one from another tool
 * lands on the cited text itself. A link to a document without a span opens it at its start; a link to a
 * document that is not there leaves the page as it is.
 */
export async function openCitedLink(sources: SourcePanel, opener: HTMLElement): Promise<void> {
  const id = new URLSearchParams(location.search).get("doc");
  if (!id) return;
  const doc = await fetchDocument(id).catch(() => undefined);
  if (!doc) return;
  const [, from, to] = SPAN.exec(decodeURIComponent(location.hash)) ?? [];
  const start = Math.min(Number(from ?? 0), doc.text.length);
  const end = Math.min(Math.max(start, Number(to ?? 0)), doc.text.length);
  sources.open("citations", [{ documentId: doc.id, title: doc.title, start, end, quote: doc.text.slice(start, end) }], 0, opener);
}
