import { createCanvas } from "@napi-rs/canvas";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** An A4 page at 200 dots per inch, the resolution office scanners default to. */
const PAGE = { width: 1654, height: 2339, margin: 160 };
/** 11-point type at 200 dpi. */
const FONT_PX = 31;
const LINE_PX = Math.round(FONT_PX * 1.45);

/**
 * A page of printed text as a scanner would capture it, as PNG: `paragraphs` wrapped to the page's
 * width in a serif face, a blank line between paragraphs. What a scan's OCR is measured against.
 */
export function scannedPage(paragraphs: string[]): Buffer {
  const canvas = createCanvas(PAGE.width, PAGE.height);
  const context = canvas.getContext("2d");
  context.fillStyle = "white";
  context.fillRect(0, 0, PAGE.width, PAGE.height);
  context.fillStyle = "black";
  context.font = `${FONT_PX}px serif`;
  let y = PAGE.margin;
  for (const paragraph of paragraphs) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (line !== "" && context.measureText(candidate).width > PAGE.width - 2 * PAGE.margin) {
        context.fillText(line, PAGE.margin, y);
        y += LINE_PX;
        line = word;
      } else line = candidate;
    }
    if (line !== "") context.fillText(line, PAGE.margin, y);
    y += 2 * LINE_PX;
  }
  return canvas.toBuffer("image/png");
}

/** A page of a made-up PDF: its paragraphs, drawn as an image (a scan) unless it has a text layer. */
export interface MadePage {
  paragraphs: string[];
  textLayer?: boolean;
}

/**
 * A PDF as a scanner without OCR writes one: each page only an image of its paragraphs, with no text
 * layer, except the pages marked `textLayer`, drawn as text (a scan with a typed cover page, say).
 */
export async function scannedPdf(pages: (string[] | MadePage)[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.TimesRoman);
  for (const made of pages) {
    const { paragraphs, textLayer } = Array.isArray(made) ? { paragraphs: made, textLayer: false } : made;
    const page = pdf.addPage([595.28, 841.89]);
    if (textLayer) paragraphs.forEach((text, i) => page.drawText(text, { x: 57, y: 780 - 24 * i, size: 11, font }));
    else page.drawImage(await pdf.embedPng(scannedPage(paragraphs)), { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return pdf.save();
}
