import type { Config } from "../config.js";
import { splitSentences, trim } from "../text/sentences.js";
import type { Span } from "../text/span.js";
import type { Passage, Sentence, SourceDocument } from "./types.js";

export interface ChunkingSettings {
  /** A paragraph longer than this is split, between sentences, into several passages. */
  maxChars: number;
  /**
   * The version of the splitting rules below. Saved with the index like the rest of these settings, so
   * that a change in how documents are split re-splits every document, though no file changed.
   */
  rules?: number;
}

/**
 * 2: Markdown's markup (front matter, fences, tag-only lines) left out, short code blocks kept. 3: a word
 * hyphenated at a line's end is one search term; PDFs lose running headers, footers and page numbers.
 */
const SPLITTING_RULES = 3;

/** How the corpus is split into passages, as the settings say. */
export function chunkingOf(config: Config): ChunkingSettings {
  return { maxChars: config.chunkMaxChars, rules: SPLITTING_RULES };
}

/** A code block of at most this many lines (an install command, a setting) is indexed though it is not prose. */
const MAX_CODE_LINES = 12;

export interface DocumentPieces {
  passages: Passage[];
  /** Every sentence of every passage, in document order, `index` not yet assigned. */
  sentences: Omit<Sentence, "index">[];
}

type BlockKind = "heading" | "body" | "furniture";

/** Sentence ends, with the full-width stops of Chinese and Japanese, which put no space after them. */
const TERMINAL_PUNCTUATION = /[.!?…。！？．｡]["”’')\]」』）]*$/;
const MARKDOWN_HEADING = /^#{1,6}[ \t]+/;
/** Lines this long read as prose even without a full stop (a subtitle, a list item). */
const MIN_PROSE_WORDS = 12;
/** Scripts written without spaces between words: two of their characters count as a word. */
const SPACELESS_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;
const MAX_HEADING_CHARS = 200;

/**
 * Splits a document into passages that know their section heading, and into sentences.
 * Headings are short lines followed by prose; short lines followed by no prose (navigation,
 * "Subscription Options", "* indicates required") are page furniture and are never indexed. A document
 * with no prose at all (a title, a few labels, a table's cells, "ABC 123") is all body instead: every
 * document with text can be answered from. A document that declares its headings (a deck, a workbook, an
 * e-book) has exactly those, and all its other blocks are body.
 */
export function splitDocument(doc: SourceDocument, settings: ChunkingSettings): DocumentPieces {
  const code = (doc.code ?? []).filter((span) => doc.text.slice(span.start, span.end).split("\n").length <= MAX_CODE_LINES);
  const blocks = outside(doc.text, splitBlocks(doc.text, !doc.headings, doc.code ?? []), doc.markup ?? []);
  const kinds = doc.headings ? declaredKinds(blocks, doc.headings) : guessedKinds(doc.text, blocks, code);
  const passages: Passage[] = [];
  const sentences: Omit<Sentence, "index">[] = [];
  let heading = doc.title;
  blocks.forEach((block, i) => {
    if (kinds[i] === "heading") {
      const line = doc.text.slice(block.start, block.end);
      heading = doc.headings ? line : headingText(line);
    }
    if (kinds[i] !== "body") return;
    for (const group of groupSentences(splitSentences(doc.text, block), settings.maxChars)) {
      const span = { start: group[0]!.start, end: group.at(-1)!.end };
      const passage: Passage = {
        id: `${doc.id}:${passages.length}`,
        documentId: doc.id,
        heading,
        text: doc.text.slice(span.start, span.end),
        ...span,
      };
      passages.push(passage);
      for (const s of group) {
        sentences.push({ documentId: doc.id, passageId: passage.id, start: s.start, end: s.end, text: doc.text.slice(s.start, s.end) });
      }
    }
  });
  return { passages, sentences };
}

/**
 * Paragraphs separated by blank lines; a markdown heading line is a block of its own (also the first line
 * of a file that starts with a byte-order mark) unless the file declares its headings or the line is in
 * `code` (a shell comment). Single line breaks stay inside a paragraph: hard-wrapped text is one block,
 * and `splitSentences` decides which of its line breaks end a sentence.
 */
function splitBlocks(text: string, markdownHeadings: boolean, code: Span[]): Span[] {
  const blocks: Span[] = [];
  const separator = markdownHeadings ? /\r?\n[ \t\u00a0]*\r?\n|^\uFEFF?#{1,6}[ \t].*$/gm : /\r?\n[ \t\u00a0]*\r?\n/g;
  let from = 0;
  const push = (start: number, end: number) => {
    const span = trim(text, start, end);
    if (span) blocks.push(span);
  };
  for (const match of text.matchAll(separator)) {
    const headingLine = !match[0].startsWith("\n") && !match[0].startsWith("\r");
    if (headingLine && within(match.index, code)) continue;
    if (headingLine) {
      push(from, match.index);
      push(match.index, match.index + match[0].length);
    } else push(from, match.index);
    from = match.index + match[0].length;
  }
  push(from, text.length);
  return blocks;
}

/** The headings a file declares are its headings; all else it holds is text to answer from, however short. */
function declaredKinds(blocks: Span[], headings: Span[]): BlockKind[] {
  const starts = new Set(headings.map((h) => h.start));
  return blocks.map((b) => (starts.has(b.start) ? "heading" : "body"));
}

function guessedKinds(text: string, blocks: Span[], code: Span[]): BlockKind[] {
  const classified = classify(text, blocks).map((kind, i): BlockKind => (within(blocks[i]!.start, code) ? "body" : kind));
  return classified.includes("body") ? classified : blocks.map(() => "body");
}

function within(offset: number, spans: Span[]): boolean {
  return spans.some((span) => span.start <= offset && offset < span.end);
}

/** The blocks with the parts that are markup cut out of them; what is left of a block is trimmed again. */
function outside(text: string, blocks: Span[], markup: Span[]): Span[] {
  if (markup.length === 0) return blocks;
  return blocks.flatMap((block) => {
    const pieces: Span[] = [];
    let from = block.start;
    for (const span of markup) {
      if (span.end <= from || span.start >= block.end) continue;
      if (span.start > from) pieces.push({ start: from, end: span.start });
      from = Math.max(from, span.end);
    }
    if (from < block.end) pieces.push({ start: from, end: block.end });
    return pieces.map((piece) => trim(text, piece.start, piece.end)).filter((piece): piece is Span => piece !== null);
  });
}

function classify(text: string, blocks: Span[]): BlockKind[] {
  const prose = blocks.map((b) => isProse(text.slice(b.start, b.end)));
  return blocks.map((b, i) => {
    const content = text.slice(b.start, b.end);
    if (MARKDOWN_HEADING.test(content)) return "heading";
    const shortLine = !content.includes("\n") && content.length <= MAX_HEADING_CHARS;
    const introducesProse = prose[i + 1] === true;
    const questionOrLabel = content.endsWith("?") || content.endsWith(":") || !TERMINAL_PUNCTUATION.test(content);
    if (shortLine && introducesProse && questionOrLabel) return "heading";
    return prose[i] ? "body" : "furniture";
  });
}

function isProse(content: string): boolean {
  if (MARKDOWN_HEADING.test(content)) return false;
  if (TERMINAL_PUNCTUATION.test(content)) return true;
  const words = content.split(/\s+/).length + (content.match(SPACELESS_SCRIPT)?.length ?? 0) / 2;
  return words >= MIN_PROSE_WORDS;
}

/** A Markdown heading attribute block such as `{#security}` or `{#id .class}`, at the end of the heading line. */
const HEADING_ATTRIBUTES = /[ \t]*\{#[^{}\n]*\}[ \t]*$/;

/** A heading line as a reader sees it: without its `#` marks or its anchor (the document's text keeps both). */
export function headingText(line: string): string {
  return line.replace(MARKDOWN_HEADING, "").replace(HEADING_ATTRIBUTES, "").trim();
}

function groupSentences(sentences: Span[], maxChars: number): Span[][] {
  const groups: Span[][] = [];
  for (const sentence of sentences) {
    const group = groups.at(-1);
    if (group && sentence.end - group[0]!.start <= maxChars) group.push(sentence);
    else groups.push([sentence]);
  }
  return groups;
}
