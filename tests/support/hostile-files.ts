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
