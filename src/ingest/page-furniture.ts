/** A line that is only a page number: "7", "- 7 -", "Page 7", "7 of 12", "vii". */
const PAGE_NUMBER = /^[-–—\s]*(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:of|\/)\s*\d{1,4})?[-–—\s]*$/i;
/** A running header or footer is on at least this share of the pages (and on three or more). */
const RUNNING_SHARE = 0.5;

/**
 * The pages of a PDF without what repeats on their edges: a first or last line that is a page number,
 * and a first or last line found, digits aside, on at least half the pages (a running title, "Company
 * confidential", "Annual report 2024 | 7"). Left in, they are glued into the sentences that run over the
 * page break, and quoted. A document of one page keeps everything.
 */
export function withoutPageFurniture(pages: string[]): string[] {
  if (pages.length < 2) return pages;
  const lines = pages.map((page) => page.split("\n"));
  const edgeCounts = new Map<string, number>();
  for (const pageLines of lines) {
    const edges = new Set([firstLine(pageLines), lastLine(pageLines)].filter((line) => line !== undefined).map(shapeOf));
    for (const edge of edges) edgeCounts.set(edge, (edgeCounts.get(edge) ?? 0) + 1);
  }
  const running = (line: string) => {
    const count = edgeCounts.get(shapeOf(line)) ?? 0;
    return count >= 3 && count >= RUNNING_SHARE * pages.length;
  };
  const furniture = (line: string) => PAGE_NUMBER.test(line.trim()) || running(line);
  return lines.map((pageLines) => {
    const kept = [...pageLines];
    // Headers and footers may stack (a title over a page number): peel both edges until content shows.
    for (let peeled = 0; peeled < 2; peeled++) {
      while (kept.length > 0 && kept[0]!.trim() === "") kept.shift();
      if (kept.length > 1 && furniture(kept[0]!)) kept.shift();
      while (kept.length > 0 && kept.at(-1)!.trim() === "") kept.pop();
      if (kept.length > 1 && furniture(kept.at(-1)!)) kept.pop();
    }
    return kept.join("\n");
  });
}

function firstLine(lines: string[]): string | undefined {
  return lines.find((line) => line.trim() !== "");
}

function lastLine(lines: string[]): string | undefined {
  return lines.findLast((line) => line.trim() !== "");
}

/** A line as it repeats from page to page: its spaces collapsed and its numbers (the page's) alike. */
function shapeOf(line: string): string {
  return line.trim().replace(/\s+/g, " ").replace(/\d+/g, "#").toLowerCase();
}
