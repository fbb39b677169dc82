import JSZip from "jszip";
import { DOMParser } from "linkedom";
import { UnreadableDocumentError } from "./extracted.js";
import { DocumentTooLargeError, megabytes, type ReadingLimits } from "./limits.js";
import { declaredUnpackedBytes } from "./zip-size.js";

/** The parts of an Office file or e-book that are parsed into memory: XML and XHTML, never images or fonts. */
export const MARKUP_PART = /\.(xml|rels|xhtml|html?|opf|ncx)$/i;

/** An encrypted Office file, like one in the old binary formats (.doc, .xls, .ppt), is an OLE compound file rather than a zip. */
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];

/** Refuses an Office file (`kind`: "Word document", ...) that is encrypted or in its old binary format (`.doc`), saying what to do. */
export function refuseOldOrEncrypted(bytes: Uint8Array, kind: string, oldExtension: string): void {
  if (OLE_SIGNATURE.every((byte, i) => bytes[i] === byte)) {
    throw new UnreadableDocumentError(
      `the ${kind} is encrypted or in the old ${oldExtension} format: save it as ${oldExtension}x without a password and add it again`,
    );
  }
}

/**
 * Refuses a zip-based file (`kind`: "Word document", "slide deck", ...) whose markup parts declare they
 * unpack to more than MAX_UNPACKED_BYTES, before anything is unpacked: a small file can hold hundreds of MB.
 */
export function checkUnpackedSize(bytes: Uint8Array, limits: Pick<ReadingLimits, "maxUnpackedBytes">, kind: string): void {
  const markup = declaredUnpackedBytes(bytes, (name) => MARKUP_PART.test(name));
  if (markup !== undefined && markup > limits.maxUnpackedBytes) {
    throw new DocumentTooLargeError(
      `the ${kind}'s XML unpacks to ${megabytes(markup)}, over the ${megabytes(limits.maxUnpackedBytes)} a ${kind} may unpack to (MAX_UNPACKED_BYTES)`,
    );
  }
}

/** The file's zip, once its size has been checked; a file that is no zip is unreadable, saying so. */
export async function openZip(bytes: Uint8Array, limits: Pick<ReadingLimits, "maxUnpackedBytes">, kind: string): Promise<JSZip> {
  checkUnpackedSize(bytes, limits, kind);
  try {
    return await JSZip.loadAsync(bytes);
  } catch (error) {
    throw new UnreadableDocumentError(`the ${kind} cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A part of the zip parsed as XML; undefined when the zip has no such part. */
export async function xmlPart(zip: JSZip, path: string): Promise<Document | undefined> {
  const xml = await zip.file(path)?.async("string");
  return xml === undefined ? undefined : (new DOMParser().parseFromString(xml, "text/xml") as unknown as Document);
}

/** The title in an Office file's properties (docProps/core.xml), when it has one. */
export async function declaredOfficeTitle(zip: JSZip): Promise<string | undefined> {
  const core = await xmlPart(zip, "docProps/core.xml");
  return core?.getElementsByTagName("dc:title")[0]?.textContent?.trim() || undefined;
}

/** Where a relationship's target (relative to the part `from`) is in the zip. */
export function resolvePart(from: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = from.split("/").slice(0, -1);
  for (const piece of target.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}
