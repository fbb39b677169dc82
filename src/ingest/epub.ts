import { parseHTML } from "linkedom";
import { DEFAULT_READING_LIMITS } from "../config.js";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";
import { pageBlocks } from "./html.js";
import type { ReadingLimits } from "./limits.js";
import { StructuredText } from "./structured-text.js";
import { MARKUP_PART, openZip, resolvePart, xmlPart } from "./zip-parts.js";

const CHAPTER_TYPES = new Set(["application/xhtml+xml", "text/html"]);

/**
 * An e-book's text: its chapters in reading order (the package's spine), each read as a web page is
 * (headings, paragraphs, list items, table cells each a block), with the chapters' own headings as the
 * sections' headings. The title is the book's (`dc:title`). A book whose chapters are encrypted (DRM)
 * is refused, saying so; fonts that are merely obfuscated do not count.
 */
export async function extractEpub(
  bytes: Uint8Array,
  limits: Pick<ReadingLimits, "maxUnpackedBytes"> = DEFAULT_READING_LIMITS,
): Promise<ExtractedText> {
  const zip = await openZip(bytes, limits, "e-book");
  const container = await xmlPart(zip, "META-INF/container.xml");
  const packagePath = container?.getElementsByTagName("rootfile")[0]?.getAttribute("full-path");
  const opf = packagePath ? await xmlPart(zip, packagePath) : undefined;
  if (!packagePath || !opf)
    throw new UnreadableDocumentError("the e-book has no package document (META-INF/container.xml): it is not an EPUB");
  const encryption = await xmlPart(zip, "META-INF/encryption.xml");
  const encrypted = Array.from(encryption?.getElementsByTagName("enc:CipherReference") ?? []).map((ref) => ref.getAttribute("URI") ?? "");
  if (encrypted.some((uri) => MARKUP_PART.test(uri))) {
    throw new UnreadableDocumentError("the e-book is protected (DRM): its chapters are encrypted, so its text cannot be read");
  }
  const manifest = new Map(
    Array.from(opf.getElementsByTagName("item")).map((item) => [
      item.getAttribute("id") ?? "",
      { href: item.getAttribute("href") ?? "", type: item.getAttribute("media-type") ?? "" },
    ]),
  );
  const text = new StructuredText();
  for (const ref of Array.from(opf.getElementsByTagName("itemref"))) {
    const item = manifest.get(ref.getAttribute("idref") ?? "");
    if (!item || !CHAPTER_TYPES.has(item.type)) continue;
    const chapter = await zip.file(resolvePart(packagePath, decodeURIComponent(item.href)))?.async("string");
    if (chapter === undefined) continue;
    const body = parseHTML(chapter).document.querySelector("body");
    for (const block of body ? pageBlocks(body as unknown as Node) : []) {
      if (block.heading) text.heading(block.text);
      else text.paragraph(block.text);
    }
  }
  const result = text.result();
  if (result.text === "") throw new UnreadableDocumentError("the e-book has no text");
  const title = opf.getElementsByTagName("dc:title")[0]?.textContent?.trim();
  return { ...result, format: "epub", ...(title && { title }) };
}
