/** A cell that holds a number, an amount or a share rather than a word: no header row is made of these. */
const NUMERIC = /^[-+(]?[$€£¥]?\s?[\d.,\s]+%?\)?$/;

/**
 * A table's rows as lines a reader can cite, cells separated by " | ". When its first row reads as a
 * header (two or more cells, none a number), every later row's cells carry their column's header
 * ("Customer: Acme | Month: March | Amount: 1200"), so a question that names the column finds the row,
 * and the quote says what each value is. Empty rows are left out, and so are empty cells of a row.
 */
export function tableLines(rows: readonly (readonly string[])[]): string[] {
  const cleaned = rows.map((row) => row.map((cell) => cell.replace(/\s+/g, " ").trim())).filter((row) => row.some((cell) => cell !== ""));
  const [first, ...rest] = cleaned;
  if (!first) return [];
  const labels = first.filter((cell) => cell !== "");
  const header = rest.length > 0 && labels.length >= 2 && labels.every((cell) => !NUMERIC.test(cell)) ? first : undefined;
  return cleaned.map((row) =>
    row
      .map((cell, column) => (cell === "" ? "" : header && row !== first && header[column] ? `${header[column]}: ${cell}` : cell))
      .filter((cell) => cell !== "")
      .join(" | "),
  );
}
