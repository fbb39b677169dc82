import JSZip from "jszip";
import { parseHTML } from "linkedom";
import mammoth from "mammoth";
import { DEFAULT_READING_LIMITS } from "../config.js";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";
import type { ReadingLimits } from "./limits.js";
import { oneParagraph } from "./structured-text.js";
import { checkUnpackedSize, declaredOfficeTitle, refuseOldOrEncrypted } from "./zip-parts.js";

/** Elements of mammoth's HTML that hold one Word paragraph each; so does a list item, besides any list inside it. */
const PARAGRAPHS = new Set(["P", "H1", "H2", "H3", "H4", "H5", "H6"]);
const LISTS = new Set(["UL", "OL"]);
/** Where a footnote or endnote links back to its reference ("↑"): not part of the note's text. */
const NOTE_BACK_LINK = /^#(footnote|endnote)-ref-/;
/** Images carry no text: not reading them keeps a document full of pictures quick to convert. */
const NO_IMAGES = mammoth.images.imgElement(async () => ({ src: "" }));

/**
 * A Word document's text: one paragraph per Word paragraph (headings, list items, table cells, then the
 * footnotes), separated by blank lines, with line breaks inside a paragraph kept. Mammoth writes the
 * document as HTML of a small, fixed shape, read here directly: the web page path's Readability leaves out
 * short paragraphs and headings it does not count as the article, and mammoth's raw text glues the words
 * on either side of a line break together. The unpacked size of its XML parts, which mammoth parses into
 * memory (at about 40 times their size), is checked before anything is unpacked: a small .docx can unzip
 * to hundreds of MB of XML. Images are not read, so they do not count.
 */
export async function extractDocx(
  bytes: Uint8Array,
  limits: Pick<ReadingLimits, "maxUnpackedBytes"> = DEFAULT_READING_LIMITS,
): Promise<ExtractedText> {
  refuseOldOrEncrypted(bytes, "Word document", ".doc");
  checkUnpackedSize(bytes, limits, "Word document");
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer }, { convertImage: NO_IMAGES })).value;
  } catch (error) {
    throw new UnreadableDocumentError(`the Word document cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const paragraphs: string[] = [];
  collectParagraphs(parseHTML(`<!doctype html><html><body>${html}</body></html>`).document.body as unknown as Node, paragraphs);
  const text = paragraphs.join("\n\n");
  if (text === "") throw new UnreadableDocumentError("the Word document has no text");
  return {
    text,
    format: "docx",
    title: await JSZip.loadAsync(buffer)
      .then(declaredOfficeTitle)
      .catch(() => undefined),
  };
}

/** The paragraphs in `node` and under it, in order; a list item's starts with "- ", as in a web page's text. */
function collectParagraphs(node: Node, paragraphs: string[]): void {
  if (node.nodeType !== 1) return;
  const tag = (node as Element).tagName;
  if (PARAGRAPHS.has(tag)) {
    addParagraph(inlineText(node), paragraphs);
    return;
  }
  const children = Array.from(node.childNodes);
  if (tag === "LI")
    addParagraph(
      children
        .filter((child) => !isBlock(child))
        .map(inlineText)
        .join(""),
      paragraphs,
      "- ",
    );
  // A list item goes on to a list nested in it, or to a footnote's paragraphs; other containers (lists, tables) to all they hold.
  for (const child of children) if (tag !== "LI" || isBlock(child)) collectParagraphs(child, paragraphs);
}

function isBlock(node: Node): boolean {
  return node.nodeType === 1 && (PARAGRAPHS.has((node as Element).tagName) || LISTS.has((node as Element).tagName));
}

function inlineText(node: Node): string {
  if (node.nodeType === 3) return node.textContent ?? "";
  if (node.nodeType !== 1) return "";
  const element = node as Element;
  if (element.tagName === "BR") return "\n";
  if (element.tagName === "A" && NOTE_BACK_LINK.test(element.getAttribute("href") ?? "")) return "";
  return Array.from(node.childNodes).map(inlineText).join("");
}

function addParagraph(text: string, paragraphs: string[], prefix = ""): void {
  const paragraph = oneParagraph(text);
  if (paragraph !== "") paragraphs.push(prefix + paragraph);
}
