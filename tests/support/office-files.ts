import ExcelJS from "exceljs";
import JSZip from "jszip";
import pptxgenjs from "pptxgenjs";

// Its types are read as CommonJS, so TypeScript sees the module where Node's ESM import gives the class.
const PptxGenJS = pptxgenjs as unknown as typeof pptxgenjs.default;

/** A slide: its title, its text boxes, optionally a table (first row the header) and speaker notes. */
export interface SlideContent {
  title?: string;
  texts?: string[];
  table?: string[][];
  notes?: string;
}

/** A deck as PowerPoint lays one out (title placeholders, text boxes, tables, notes), written by pptxgenjs. */
export async function deckOf(title: string, slides: SlideContent[]): Promise<Buffer> {
  const deck = new PptxGenJS();
  deck.title = title;
  deck.defineSlideMaster({
    title: "TITLED",
    objects: [{ placeholder: { options: { name: "title", type: "title", x: 0.5, y: 0.2, w: 9, h: 1 }, text: "" } }],
  });
  for (const content of slides) {
    const slide = deck.addSlide({ masterName: "TITLED" });
    if (content.title) slide.addText(content.title, { placeholder: "title" });
    content.texts?.forEach((text, i) => slide.addText(text, { x: 0.5, y: 1.4 + i, w: 9, h: 0.8 }));
    if (content.table)
      slide.addTable(
        content.table.map((row) => row.map((text) => ({ text }))),
        { x: 0.5, y: 3, w: 9 },
      );
    if (content.notes) slide.addNotes(content.notes);
  }
  return (await deck.write({ outputType: "nodebuffer" })) as Buffer;
}

/** A workbook written by exceljs, the library that reads it: each sheet its rows, as given. */
export async function workbookOf(title: string, sheets: Record<string, ExcelJS.CellValue[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = title;
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An EPUB 3 as e-book tools write one: container, package (title, manifest, spine), one XHTML file per chapter. */
export async function ebookOf(title: string, chapters: { file: string; html: string }[], { encrypted = false } = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file("mimetype", "application/epub+zip", { compression: "STORE" });
  zip.file(
    "META-INF/container.xml",
    `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">` +
      `<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
  );
  const items = chapters.map((c, i) => `<item id="c${i}" href="text/${c.file}" media-type="application/xhtml+xml"/>`).join("");
  const spine = chapters.map((_, i) => `<itemref idref="c${i}"/>`).join("");
  zip.file(
    "OEBPS/content.opf",
    `<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">` +
      `<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:test</dc:identifier><dc:title>${title}</dc:title><dc:language>en</dc:language></metadata>` +
      `<manifest><item id="css" href="style.css" media-type="text/css"/>${items}</manifest><spine>${spine}</spine></package>`,
  );
  zip.file("OEBPS/style.css", "p { margin: 0 }");
  for (const c of chapters) {
    zip.file(
      `OEBPS/text/${c.file}`,
      `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>${title}</title></head><body>${c.html}</body></html>`,
    );
  }
  if (encrypted) {
    zip.file(
      "META-INF/encryption.xml",
      `<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">` +
        chapters
          .map(
            (c) =>
              `<enc:EncryptedData><enc:CipherData><enc:CipherReference URI="OEBPS/text/${c.file}"/></enc:CipherData></enc:EncryptedData>`,
          )
          .join("") +
        `</encryption>`,
    );
  }
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}
