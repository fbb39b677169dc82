import { PDFDocument, StandardFonts } from "pdf-lib";

/** A real PDF, one page per entry of `pages`, each a list of text lines, made with pdf-lib. */
export async function pdfOf(pages: string[][], title?: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (title) pdf.setTitle(title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([420, 300]);
    lines.forEach((line, i) => page.drawText(line, { x: 24, y: 260 - 16 * i, size: 11, font }));
  }
  return pdf.save();
}

/** A PDF with pages but no text on them, as a scan without OCR would be. */
export async function emptyPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage([420, 300]).drawRectangle({ x: 20, y: 20, width: 100, height: 100 });
  return pdf.save();
}

/** A news page: navigation, a script and a footer around the article. */
export const NEWS_PAGE = `<!doctype html><html><head><title>Harbour News: the lighthouse</title><script>window.track = 1;</script></head>
<body><nav><a href="/">Home</a> | <a href="/sports">Sports</a> | <a href="/weather">Weather</a></nav>
<article><h1>The Harrow Point lighthouse</h1>
<p>The Harrow Point lighthouse was first lit in <b>1871</b>, after two ships were lost on the reef in one winter.
Its first keeper, Tobias Wren, served for 31 years.</p>
<h2>Automation</h2>
<p>The station was automated in 1987 &amp; the keeper&#39;s cottage became a small museum of the coast.</p>
<ul><li>Lamp: whale oil until 1902</li><li>Range: 18 nautical miles</li></ul></article>
<footer>Copyright Harbour News. Subscribe to our newsletter for more stories.</footer></body></html>`;
