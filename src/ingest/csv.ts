import { parse } from "csv-parse/sync";
import { UnreadableDocumentError, type ExtractedText } from "./extracted.js";
import { StructuredText } from "./structured-text.js";
import { tableLines } from "./table-rows.js";

/** The separators a CSV file is written with, by locale and program. */
const DELIMITERS = [",", ";", "\t", "|"];

/**
 * A CSV file's rows, each a paragraph a reader can cite, written as `tableLines` says (with the header
 * row's names beside each value). The separator is the one of `,` `;` tab `|` its first line holds most of.
 */
export function extractCsv(csv: string): ExtractedText {
  let rows: string[][];
  try {
    rows = parse(csv, { bom: true, delimiter: delimiterOf(csv), relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  } catch (error) {
    throw new UnreadableDocumentError(`the CSV file cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const text = new StructuredText();
  for (const line of tableLines(rows)) text.paragraph(line);
  return { ...text.result(), format: "csv" };
}

function delimiterOf(csv: string): string {
  const firstLine = csv.slice(0, csv.search(/\r?\n|$/));
  const count = (delimiter: string) => firstLine.split(delimiter).length;
  return DELIMITERS.reduce((best, delimiter) => (count(delimiter) > count(best) ? delimiter : best));
}
