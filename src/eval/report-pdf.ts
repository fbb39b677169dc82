import { PDFDocument, StandardFonts } from "pdf-lib";
import { definitions } from "./wordnet-corpus.js";

const PAGE = { width: 595, height: 842 }; // A4, in points
const MARGIN = 56;
const FONT_SIZE = 10;
const LINE_HEIGHT = 13;
const SENTENCES_PER_PARAGRAPH = 6;

/**
 * A `pages`-page PDF report of WordNet definitions (the last ones in the files, which a generated corpus of
 * a few megabytes never reaches), set in paragraphs on A4 pages as a real report would be: the document
 * the ingest benchmark adds to a built corpus.
 */
export async function wordNetReportPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`WordNet report, ${pages} pages`);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const width = PAGE.width - 2 * MARGIN;
  const linesPerPage = Math.floor((PAGE.height - 2 * MARGIN) / LINE_HEIGHT);
  const sentences = (await definitions()).reverse();
  let next = 0;
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage([PAGE.width, PAGE.height]);
    let line = 0;
    while (line < linesPerPage - 1 && next < sentences.length) {
      const paragraph = sentences.slice(next, (next += SENTENCES_PER_PARAGRAPH)).join(" ");
      // pdf-lib's standard fonts cover Latin-1 only.
      for (const text of wrap(paragraph.replace(/[^\x20-\xff]/g, " "), (s) => font.widthOfTextAtSize(s, FONT_SIZE), width)) {
        if (line >= linesPerPage) break;
        page.drawText(text, { x: MARGIN, y: PAGE.height - MARGIN - LINE_HEIGHT * ++line, size: FONT_SIZE, font });
      }
      line++; // a blank line between paragraphs
    }
  }
  return pdf.save();
}

function wrap(text: string, widthOf: (s: string) => number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const candidate = current === "" ? word : `${current} ${word}`;
    if (widthOf(candidate) > width && current !== "") {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current !== "") lines.push(current);
  return lines;
}
