import MiniSearch, { type Options } from "minisearch";
import type { Passage } from "../../ingest/types.js";
import { contentTerms } from "../../text/terms.js";
import type { KeywordSearch } from "../corpus-index.js";

/** BM25 over passages and their headings, with the same terms the answerer scores sentences by. */
const options: Options<Passage> = {
  idField: "id",
  fields: ["heading", "text"],
  tokenize: contentTerms,
  processTerm: (term) => term,
  searchOptions: { boost: { text: 1, heading: 0.4 }, fuzzy: (term) => (term.length > 4 ? 0.2 : false), combineWith: "OR" },
};

/** The in-memory keyword index of the embedded store, saved with it as keywords.json. */
export class Bm25Keywords implements KeywordSearch {
  constructor(readonly miniSearch: MiniSearch<Passage>) {}

  async search(terms: string[], limit: number): Promise<string[]> {
    return this.miniSearch
      .search(terms.join(" "), { tokenize: () => terms })
      .slice(0, limit)
      .map((hit) => hit.id as string);
  }
}

export function buildKeywordIndex(passages: Passage[]): MiniSearch<Passage> {
  const index = new MiniSearch(options);
  index.addAll(passages);
  return index;
}

/** Loads in slices, letting the server answer between them (a 5 MB corpus's index took half a second in one piece). */
export function loadKeywordIndex(json: string): Promise<MiniSearch<Passage>> {
  return MiniSearch.loadJSONAsync(json, options);
}
