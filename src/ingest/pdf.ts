import { extractText, getDocumentProxy } from "unpdf";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";

/**
 * A PDF's text, page after page with a blank line between pages, and where each page starts in it.
 * pdf.js gives each page's text lines; a line break inside a page is kept, so hard-wrapped lines read
 * as one paragraph to the sentence splitter, as in a plain-text file.
 */
export async function extractPdf(bytes: Uint8Array): Promise<ExtractedText> {
  let pages: string[];
  let title: string | undefined;
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const metadata = await pdf.getMetadata().catch(() => undefined);
    const info = metadata?.info as { Title?: unknown } | undefined;
    title = typeof info?.Title === "string" && info.Title.trim() !== "" ? info.Title.trim() : undefined;
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new UnreadableDocumentError("the PDF is encrypted: save it without a password and add it again");
    throw new UnreadableDocumentError(`the PDF cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const pageStarts: number[] = [];
  let text = "";
  for (const page of pages) {
    if (pageStarts.length > 0) text += "\n\n";
    pageStarts.push(text.length);
    text += page.trim();
  }
  if (text.trim() === "") {
    throw new UnreadableDocumentError("the PDF has no text (a scan holds only images, and this service does not read text from images)");
  }
  return { text, format: "pdf", pageStarts, title };
}
