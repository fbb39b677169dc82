import type { Span } from "../text/span.js";

/**
 * The text of a file whose format says what its headings and pages are (a deck's slides and titles, a
 * workbook's sheets, an e-book's chapters), written block by block with a blank line between blocks, so
 * that the passage splitter takes the headings the file declares instead of guessing them from the text.
 */
export class StructuredText {
  private text = "";
  private readonly headingSpans: Span[] = [];
  private readonly pages: number[] = [];
  private pagesWaiting = 0;

  /** A heading: one line, its spaces collapsed. Nothing is written for one that is empty. */
  heading(line: string): void {
    const heading = line.replace(/\s+/g, " ").trim();
    if (heading === "") return;
    const start = this.startBlock();
    this.text += heading;
    this.headingSpans.push({ start, end: this.text.length });
  }

  /** A paragraph, as `oneParagraph` makes it. Nothing is written for one that is empty. */
  paragraph(text: string): void {
    const paragraph = oneParagraph(text);
    if (paragraph === "") return;
    this.startBlock();
    this.text += paragraph;
  }

  /** The next block starts a new page (a slide); a page with no text starts where the next one does. */
  newPage(): void {
    this.pagesWaiting++;
  }

  /** The text, its headings, and where each page starts when there were pages. */
  result(): { text: string; headings: Span[]; pageStarts?: number[] } {
    while (this.pagesWaiting > 0) this.pushPage(this.text.length);
    return { text: this.text, headings: this.headingSpans, ...(this.pages.length > 0 && { pageStarts: this.pages }) };
  }

  private startBlock(): number {
    if (this.text !== "") this.text += "\n\n";
    while (this.pagesWaiting > 0) this.pushPage(this.text.length);
    return this.text.length;
  }

  private pushPage(start: number): void {
    this.pages.push(start);
    this.pagesWaiting--;
  }
}

/** Spaces and tabs collapsed; line breaks kept, though never two in a row, which would split the paragraph in two. */
export function oneParagraph(text: string): string {
  return text
    .replace(/[ \t\r\f\v\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n+/g, "\n")
    .trim();
}
