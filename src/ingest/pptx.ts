import type JSZip from "jszip";
import { DEFAULT_READING_LIMITS } from "../config.js";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";
import type { ReadingLimits } from "./limits.js";
import { StructuredText } from "./structured-text.js";
import { tableLines } from "./table-rows.js";
import { declaredOfficeTitle, openZip, refuseOldOrEncrypted, resolvePart, xmlPart } from "./zip-parts.js";

const TITLES = new Set(["title", "ctrTitle"]);
/** Placeholders that repeat on every slide (date, footer, slide number) or show the slide in its notes. */
const FURNITURE = new Set(["dt", "ftr", "sldNum", "hdr", "sldImg"]);

/**
 * A slide deck's text, slide by slide in the deck's order, each slide a page: its title as the heading,
 * then its text boxes and tables (each table row a line, as in a spreadsheet), then its speaker notes.
 * Dates, footers and slide numbers are left out. The deck is read as the XML it is (PresentationML), with
 * the same zip reader as Word documents; no library reads a deck's titles and notes apart.
 */
export async function extractPptx(
  bytes: Uint8Array,
  limits: Pick<ReadingLimits, "maxUnpackedBytes"> = DEFAULT_READING_LIMITS,
): Promise<ExtractedText> {
  refuseOldOrEncrypted(bytes, "slide deck", ".ppt");
  const zip = await openZip(bytes, limits, "slide deck");
  const slides = await slidePaths(zip);
  const text = new StructuredText();
  for (const path of slides) {
    text.newPage();
    const slide = await xmlPart(zip, path);
    if (!slide) continue;
    const shapes = textShapes(slide);
    const title = shapes.find((shape) => TITLES.has(shape.placeholder ?? ""));
    if (title) text.heading(title.paragraphs.join(" "));
    for (const shape of shapes) if (shape !== title) for (const paragraph of shape.paragraphs) text.paragraph(paragraph);
    const notes = await notesOf(zip, path);
    for (const shape of notes ? textShapes(notes) : []) {
      if (shape.placeholder === "body") for (const paragraph of shape.paragraphs) text.paragraph(paragraph);
    }
  }
  const result = text.result();
  if (result.text === "") throw new UnreadableDocumentError("the slide deck has no text");
  const title = await declaredOfficeTitle(zip).catch(() => undefined);
  return { ...result, format: "pptx", ...(title && { title }) };
}

/** The slides' parts in the order the deck shows them (presentation.xml's list, through its relationships). */
async function slidePaths(zip: JSZip): Promise<string[]> {
  const presentation = await xmlPart(zip, "ppt/presentation.xml");
  if (!presentation) throw new UnreadableDocumentError("the slide deck has no ppt/presentation.xml: it is not a PowerPoint file");
  const targets = await relationships(zip, "ppt/presentation.xml");
  return elements(presentation, "p:sldId")
    .map((slide) => targets.get(slide.getAttribute("r:id") ?? ""))
    .filter((path): path is string => path !== undefined);
}

async function notesOf(zip: JSZip, slidePath: string): Promise<Document | undefined> {
  const targets = await relationships(zip, slidePath, "/notesSlide");
  const [notes] = targets.values();
  return notes === undefined ? undefined : xmlPart(zip, notes);
}

/** A part's relationships (of a type ending in `type`, when given): id to the target's path in the zip. */
async function relationships(zip: JSZip, part: string, type?: string): Promise<Map<string, string>> {
  const slash = part.lastIndexOf("/");
  const rels = await xmlPart(zip, `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`);
  const targets = new Map<string, string>();
  for (const rel of rels ? elements(rels, "Relationship") : []) {
    if (type && !rel.getAttribute("Type")?.endsWith(type)) continue;
    const target = rel.getAttribute("Target");
    if (target && rel.getAttribute("TargetMode") !== "External") targets.set(rel.getAttribute("Id") ?? "", resolvePart(part, target));
  }
  return targets;
}

interface TextShape {
  /** The placeholder type (`title`, `body`, ...), when the shape is one. */
  placeholder?: string;
  paragraphs: string[];
}

/** The shapes of a slide (or notes page) that hold text, in the order they are drawn; tables as rows. */
function textShapes(part: Document): TextShape[] {
  const shapes: TextShape[] = [];
  for (const element of descendants(part)) {
    if (element.tagName === "p:sp") {
      const placeholder = elements(element, "p:ph")[0]?.getAttribute("type") ?? (elements(element, "p:ph").length > 0 ? "body" : undefined);
      if (placeholder && FURNITURE.has(placeholder)) continue;
      const body = elements(element, "p:txBody")[0];
      if (body) shapes.push({ ...(placeholder && { placeholder }), paragraphs: elements(body, "a:p").map(paragraphText) });
    } else if (element.tagName === "a:tbl") {
      const rows = elements(element, "a:tr").map((row) =>
        elements(row, "a:tc").map((cell) => elements(cell, "a:p").map(paragraphText).join(" ")),
      );
      shapes.push({ paragraphs: tableLines(rows) });
    }
  }
  return shapes;
}

/** A paragraph's runs, fields and line breaks. */
function paragraphText(paragraph: Element): string {
  return descendants(paragraph)
    .map((element) => (element.tagName === "a:t" ? (element.textContent ?? "") : element.tagName === "a:br" ? "\n" : ""))
    .join("");
}

function elements(node: Document | Element, name: string): Element[] {
  return Array.from(node.getElementsByTagName(name));
}

/** Every element under `node`, in document order (linkedom's XML documents find none by the name "*"). */
function descendants(node: Document | Element): Element[] {
  const found: Element[] = [];
  const visit = (parent: Node) => {
    for (const child of Array.from(parent.childNodes)) {
      if (child.nodeType !== 1) continue;
      found.push(child as Element);
      visit(child);
    }
  };
  visit(node);
  return found;
}
