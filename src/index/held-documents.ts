import type { Passage, SourceDocument } from "../ingest/types.js";
import { catalogEntryOf } from "./catalog.js";
import { textIn } from "./change.js";
import type { AddedPassages, CatalogEntry, DocumentSpan, IndexDocuments, PassageHeading } from "./corpus-index.js";

/** Every document and passage held in memory: the embedded store's, whose index file holds them all. */
export class HeldDocuments implements IndexDocuments {
  readonly held: { documents: Map<string, SourceDocument>; passages: Map<string, Passage> };

  private constructor(
    documents: Map<string, SourceDocument>,
    passages: Map<string, Passage>,
    readonly catalog: Map<string, CatalogEntry>,
  ) {
    this.held = { documents, passages };
  }

  /** `documents` with `passages`, each passage's text a slice of its document's. */
  static of(documents: SourceDocument[], passages: Passage[]): HeldDocuments {
    const own = new Map(documents.map((document): [string, Passage[]] => [document.id, []]));
    for (const passage of passages) own.get(passage.documentId)?.push(passage);
    return new HeldDocuments(new Map(), new Map(), new Map()).after(
      documents.map((document) => ({ document, passages: own.get(document.id)! })),
      new Set(),
    );
  }

  get passageCount(): number {
    return this.held.passages.size;
  }

  async read(id: string): Promise<SourceDocument | undefined> {
    return this.held.documents.get(id);
  }

  async passages(ids: Iterable<string>): Promise<Map<string, Passage>> {
    const found = new Map<string, Passage>();
    for (const id of ids) {
      const passage = this.held.passages.get(id);
      if (passage) found.set(id, passage);
    }
    return found;
  }

  async textsAt(spans: readonly DocumentSpan[]): Promise<(string | undefined)[]> {
    return spans.map((span) => {
      const text = this.held.documents.get(span.documentId)?.text;
      return text !== undefined && span.end <= text.length ? text.slice(span.start, span.end) : undefined;
    });
  }

  async questionHeadings(): Promise<PassageHeading[]> {
    return [...this.held.passages.values()].filter((p) => p.heading.trimEnd().endsWith("?"));
  }

  after(added: AddedPassages[], replaced: Set<string>): HeldDocuments {
    const documents = new Map(this.held.documents);
    const passages = new Map(this.held.passages);
    const catalog = new Map(this.catalog);
    for (const passage of this.held.passages.values()) if (replaced.has(passage.documentId)) passages.delete(passage.id);
    for (const id of replaced) {
      documents.delete(id);
      catalog.delete(id);
    }
    for (const { document, passages: own } of added) {
      documents.set(document.id, document);
      catalog.set(document.id, catalogEntryOf(document, own.length));
      for (const passage of own) passages.set(passage.id, { ...passage, text: textIn(document, passage) });
    }
    return new HeldDocuments(documents, passages, catalog);
  }
}
