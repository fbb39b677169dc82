import JSZip from "jszip";

const W = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`;

/** The smallest .docx Word and mammoth read: content types, the package relationship, and `document.xml` around `body`. */
export async function docxWithBody(body: string): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
  );
  zip.file(
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  zip.file("word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`);
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 1 } });
}

/** A Word paragraph holding `text`. */
export const wordParagraph = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

/** A zip bomb shaped as a Word document: a few hundred KB whose `document.xml` unzips to about `megabytes` MB of paragraphs. */
export function docxBomb(megabytes: number): Promise<Uint8Array> {
  const one = wordParagraph("All work and no play makes a dull document. ");
  return docxWithBody(one.repeat(Math.ceil((megabytes * 1024 * 1024) / one.length)));
}

/**
 * A PDF whose Japanese text is drawn in a font it does not embed, through Adobe's predefined UniJIS-UCS2-H
 * CMap, as many Japanese PDFs are: pdf.js reads its text only with the CMaps from disk.
 */
export async function japanesePdf(): Promise<Uint8Array> {
  const { PDFDocument, PDFName, PDFString } = await import("pdf-lib");
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([400, 200]);
  const context = pdf.context;
  const descriptor = context.register(
    context.obj({
      Type: "FontDescriptor",
      FontName: "KozMinPr6N-Regular",
      Flags: 4,
      FontBBox: [0, -120, 1000, 880],
      ItalicAngle: 0,
      Ascent: 880,
      Descent: -120,
      CapHeight: 700,
      StemV: 80,
    }),
  );
  const cidFont = context.register(
    context.obj({
      Type: "Font",
      Subtype: "CIDFontType0",
      BaseFont: "KozMinPr6N-Regular",
      CIDSystemInfo: { Registry: PDFString.of("Adobe"), Ordering: PDFString.of("Japan1"), Supplement: 6 },
      FontDescriptor: descriptor,
    }),
  );
  const font = context.register(
    context.obj({
      Type: "Font",
      Subtype: "Type0",
      BaseFont: "KozMinPr6N-Regular-UniJIS-UCS2-H",
      Encoding: "UniJIS-UCS2-H",
      DescendantFonts: [cidFont],
    }),
  );
  page.node.setFontDictionary(PDFName.of("F1"), font);
  // ハロー岬の灯台 in UCS-2, the code this CMap maps to the font's glyphs.
  const codes = [..."ハロー岬の灯台"].map((c) => c.charCodeAt(0).toString(16).padStart(4, "0")).join("");
  page.node.set(PDFName.of("Contents"), context.register(context.flateStream(`BT /F1 24 Tf 20 100 Td <${codes}> Tj ET`)));
  return pdf.save();
}

/**
 * A PDF with one line of Helvetica and one in a font that says nothing of which letters its glyphs are
 * (Identity-H, no ToUnicode, not embedded): pdf.js gives control characters for that line.
 */
export async function pdfWithUnmappedGlyphs(): Promise<Uint8Array> {
  const { PDFDocument, PDFName, PDFString } = await import("pdf-lib");
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([400, 200]);
  const context = pdf.context;
  const descriptor = context.register(
    context.obj({
      Type: "FontDescriptor",
      FontName: "Mystery",
      Flags: 4,
      FontBBox: [0, 0, 1000, 1000],
      ItalicAngle: 0,
      Ascent: 800,
      Descent: -200,
      CapHeight: 700,
      StemV: 80,
    }),
  );
  const cidFont = context.register(
    context.obj({
      Type: "Font",
      Subtype: "CIDFontType2",
      BaseFont: "Mystery",
      CIDSystemInfo: { Registry: PDFString.of("Adobe"), Ordering: PDFString.of("Identity"), Supplement: 0 },
      FontDescriptor: descriptor,
    }),
  );
  page.node.setFontDictionary(
    PDFName.of("F1"),
    context.register(
      context.obj({ Type: "Font", Subtype: "Type0", BaseFont: "Mystery", Encoding: "Identity-H", DescendantFonts: [cidFont] }),
    ),
  );
  page.node.setFontDictionary(PDFName.of("F2"), context.register(context.obj({ Type: "Font", Subtype: "Type1", BaseFont: "Helvetica" })));
  const content = "BT /F2 12 Tf 20 150 Td (The harbour gate code is) Tj ET BT /F1 24 Tf 20 100 Td <00030011001200130014> Tj ET";
  page.node.set(PDFName.of("Contents"), context.register(context.flateStream(content)));
  return pdf.save();
}
