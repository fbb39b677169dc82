import { createCanvas } from "@napi-rs/canvas";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** A sheet of paper, in PDF points (1/72 inch): A4 unless told otherwise. */
export interface PaperSize {
  width: number;
  height: number;
}

export const A4: PaperSize = { width: 595.28, height: 841.89 };
/** The resolution office scanners default to. */
const DPI = 200;
/** 11-point type at 200 dpi, with its line spacing. */
const FONT_PX = 31;
const LINE_PX = Math.round(FONT_PX * 1.45);

/**
 * A page of printed text as a scanner would capture it at 200 dpi, as PNG: `paragraphs` wrapped to the
 * page's width in an 11-point serif face, a blank line between paragraphs. What a scan's OCR is measured against.
 */
export function scannedPage(paragraphs: string[], paper: PaperSize = A4): Buffer {
  const width = Math.round((paper.width / 72) * DPI);
  const height = Math.round((paper.height / 72) * DPI);
  const margin = Math.round(Math.min(width, height) * 0.1);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "white";
  context.fillRect(0, 0, width, height);
  context.fillStyle = "black";
  context.font = `${FONT_PX}px serif`;
  let y = margin + FONT_PX;
  for (const paragraph of paragraphs) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (line !== "" && context.measureText(candidate).width > width - 2 * margin) {
        context.fillText(line, margin, y);
        y += LINE_PX;
        line = word;
      } else line = candidate;
    }
    if (line !== "") context.fillText(line, margin, y);
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
export async function scannedPdf(pages: (string[] | MadePage)[], paper: PaperSize = A4): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.TimesRoman);
  for (const made of pages) {
    const { paragraphs, textLayer } = Array.isArray(made) ? { paragraphs: made, textLayer: false } : made;
    const page = pdf.addPage([paper.width, paper.height]);
    if (textLayer) paragraphs.forEach((text, i) => page.drawText(text, { x: 36, y: paper.height - 48 - 16 * i, size: 11, font }));
    else page.drawImage(await pdf.embedPng(scannedPage(paragraphs, paper)), { x: 0, y: 0, width: paper.width, height: paper.height });
  }
  return pdf.save();
}
