import { UnreadableDocumentError } from "./extracted.js";
import { isSupported, SUPPORTED_EXTENSIONS } from "./formats.js";
import { DocumentTooLargeError } from "./limits.js";
import type { DocumentReader } from "./reader.js";
import type { SourceDocument } from "./types.js";

/** A file name that cannot be a corpus file's name (nothing left of it once made safe). */
export class InvalidFileNameError extends Error {}

/** A file of a format the corpus does not take. */
export class UnsupportedFormatError extends Error {}

/**
 * The name an uploaded file is saved under in the corpus folder: its last path segment (a browser may
 * send "C:\\fakepath\\x.pdf", a client "../../x.pdf"), without leading dots (hidden files are not read)
 * or control characters. Never a path: no separator, no "..".
 */
export function uploadFileName(name: string): string {
  const last = name.normalize("NFC").split(/[/\\]/).at(-1) ?? "";
  const safe = last
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a file name's control characters are what is taken out.
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .replace(/^[.\s]+/, "")
    .trim();
  if (safe === "") throw new InvalidFileNameError(`"${name}" is not a usable file name`);
  return withinNameLimit(safe);
}

/** File systems take names of at most 255 bytes: a longer one keeps its extension and loses the end of its stem. */
const MAX_NAME_BYTES = 200;

function withinNameLimit(name: string): string {
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const extension = /\.[^.]{1,10}$/.exec(name)?.[0] ?? "";
  let stem = name.slice(0, name.length - extension.length);
  while (Buffer.byteLength(stem + extension) > MAX_NAME_BYTES) stem = [...stem].slice(0, -1).join("");
  return stem.trimEnd() + extension;
}

/**
 * The document an uploaded file is, saved as `fileName` at the top of the corpus, read by `reader`. Throws
 * `UnsupportedFormatError` for a format the corpus does not take, `UnreadableDocumentError` for a file
 * with no readable text, `DocumentTooLargeError` for one over a reading limit; their messages name the file.
 */
export async function readUpload(reader: DocumentReader, fileName: string, bytes: Buffer): Promise<SourceDocument> {
  if (!isSupported(fileName)) {
    throw new UnsupportedFormatError(`${fileName}: the corpus takes ${SUPPORTED_EXTENSIONS.join(" ")} files`);
  }
  try {
    return await reader.read(fileName, bytes);
  } catch (error) {
    if (error instanceof UnreadableDocumentError) throw new UnreadableDocumentError(`${fileName}: ${error.message}`);
    if (error instanceof DocumentTooLargeError) throw new DocumentTooLargeError(`${fileName}: ${error.message}`);
    throw error;
  }
}
