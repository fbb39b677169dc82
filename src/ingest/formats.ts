import { extname } from "node:path";
import type { DocumentFormat } from "./extracted.js";

/** The format of each file extension the corpus takes (lower case, with the dot). */
export const FORMAT_OF_EXTENSION: Readonly<Record<string, DocumentFormat>> = {
  ".txt": "text",
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "markdown",
  ".html": "html",
  ".htm": "html",
  ".pdf": "pdf",
  ".docx": "docx",
  ".pptx": "pptx",
  ".xlsx": "xlsx",
  ".csv": "csv",
  ".epub": "epub",
  ".png": "image",
  ".jpg": "image",
  ".jpeg": "image",
  ".webp": "image",
  ".tif": "image",
  ".tiff": "image",
};

/** The file extensions the corpus takes (lower case, with the dot). */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_OF_EXTENSION);

/** Whether a file of this name is one the corpus takes, by its extension. */
export function isSupported(name: string): boolean {
  return extname(name).toLowerCase() in FORMAT_OF_EXTENSION;
}
