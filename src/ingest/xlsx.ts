import ExcelJS from "exceljs";
import { DEFAULT_READING_LIMITS } from "../config.js";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";
import type { ReadingLimits } from "./limits.js";
import { StructuredText } from "./structured-text.js";
import { tableLines } from "./table-rows.js";
import { checkUnpackedSize, refuseOldOrEncrypted } from "./zip-parts.js";

/**
 * A workbook's text: each sheet a section under its name as a heading, each row a paragraph a reader can
 * cite (`tableLines`: the header row's names beside each value). Cells read as shown when they hold text
 * or numbers; a formula gives its last computed result, a date its ISO day (and time, when it has one).
 */
export async function extractXlsx(
  bytes: Uint8Array,
  limits: Pick<ReadingLimits, "maxUnpackedBytes"> = DEFAULT_READING_LIMITS,
): Promise<ExtractedText> {
  refuseOldOrEncrypted(bytes, "workbook", ".xls");
  checkUnpackedSize(bytes, limits, "workbook");
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new UnreadableDocumentError(`the workbook cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const text = new StructuredText();
  for (const sheet of workbook.worksheets) {
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell((cell, column) => {
        cells[column - 1] = cellText(cell.value);
      });
      rows.push(Array.from(cells, (cell) => cell ?? ""));
    });
    const lines = tableLines(rows);
    if (lines.length === 0) continue;
    text.heading(sheet.name);
    for (const line of lines) text.paragraph(line);
  }
  const title = workbook.title?.trim();
  return { ...text.result(), format: "xlsx", ...(title && { title }) };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return dateText(value);
  if (typeof value !== "object") return String(value);
  if ("richText" in value) return value.richText.map((run) => run.text).join("");
  if ("hyperlink" in value) return cellText(value.text as ExcelJS.CellValue);
  if ("error" in value) return value.error;
  if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
  return "";
}

function dateText(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
}
