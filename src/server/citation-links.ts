/**
 * The chat page opened at `[start, end)` of a document: `<origin>/?doc=<id>#<start>-<end>`, offsets as in
 * citations (UTF-16 code units of the document's text). What the OpenAI annotations and the MCP tools link to.
 */
export function spanUrl(origin: string, documentId: string, start: number, end: number): string {
  return `${origin}/?doc=${encodeURIComponent(documentId)}#${start}-${end}`;
}
