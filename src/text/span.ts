/** A `[start, end)` range of a document's text, in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
}
