import type { Passage, Sentence } from "../../ingest/types.js";
import { textIn } from "../change.js";
import type { AddedSentences, IndexSentences, SentenceWithVector } from "../corpus-index.js";
import type { SentenceVectorFile } from "./sentence-vector-file.js";

/**
 * Every sentence held in memory, the embedded store's, with its unit vector read when a question needs it.
 * A table of every sentence the index has held, by `Sentence.index`, shared by the versions of one index: a
 * removed or replaced document's stay until the index is compacted, so a position never changes under a
 * reader. The saved index's vectors are read from its file (the largest part of what an index holds per
 * sentence, left to the page cache); only those of documents added since it was saved are held.
 */
export class HeldSentences implements IndexSentences {
  readonly count: number;

  constructor(
    /** Every sentence the index has held, by `Sentence.index`. */
    readonly all: Sentence[],
    /** The current documents' sentences, in order. */
    readonly byDocument: Map<string, Sentence[]>,
    /** The saved index's rows, the first `Sentence.index` positions. */
    private readonly saved: SentenceVectorFile,
    /** The rows of the positions after the saved ones, of `dimensions` each. */
    private readonly added: Float32Array,
    readonly dimensions: number,
  ) {
    let count = 0;
    for (const own of byDocument.values()) count += own.length;
    this.count = count;
  }

  async ofPassages(passages: Passage[]): Promise<Map<string, SentenceWithVector[]>> {
    return new Map(
      await Promise.all(
        passages.map(async (p): Promise<[string, SentenceWithVector[]]> => {
          const own = this.sentencesOf(p);
          if (own.length === 0) return [p.id, []];
          // A document's sentences hold consecutive positions: a passage's rows are one read.
          const first = own[0]!.index;
          const rows = await this.rows(first, own.at(-1)!.index - first + 1);
          const d = this.dimensions;
          return [
            p.id,
            own.map((sentence) => ({ sentence, vector: rows.subarray((sentence.index - first) * d, (sentence.index - first + 1) * d) })),
          ];
        }),
      ),
    );
  }

  async around(documentId: string, offset: number): Promise<{ sentence: Sentence; previous?: Sentence } | undefined> {
    const sentences = this.byDocument.get(documentId) ?? [];
    const at = firstEndingAfter(sentences, offset);
    const sentence = sentences[at];
    if (!sentence || sentence.start > offset) return undefined;
    return { sentence, ...(at > 0 && { previous: sentences[at - 1]! }) };
  }

  /** Sentences `all` (of which `byDocument` are current), whose vectors are `saved`'s rows in `all`'s order. */
  static of(all: Sentence[], byDocument: Map<string, Sentence[]>, saved: SentenceVectorFile): HeldSentences {
    return new HeldSentences(all, byDocument, saved, new Float32Array(0), saved.dimensions);
  }

  /** The vector of the sentence at `position`, read before returning: for a build, which reads each once. */
  row(position: number): Float32Array {
    if (position < this.saved.rows) return this.saved.readNow(position, 1);
    return this.addedRows(position, 1).slice();
  }

  after(added: AddedSentences[], replaced: Set<string>, dimensions: number): HeldSentences {
    const byDocument = new Map(this.byDocument);
    for (const id of replaced) byDocument.delete(id);
    let rows = this.added;
    for (const { document, sentences, sentenceVectors } of added) {
      const own = sentences.map((s, i): Sentence => ({ ...s, index: this.all.length + i, text: textIn(document, s) }));
      for (const sentence of own) this.all.push(sentence);
      byDocument.set(document.id, own);
      rows = appendRows(rows, sentenceVectors);
    }
    return new HeldSentences(this.all, byDocument, this.saved, rows, dimensions);
  }

  /** `count` rows from `first`, which are either all saved or all added (those of one document). */
  private async rows(first: number, count: number): Promise<Float32Array> {
    return first < this.saved.rows ? this.saved.read(first, count) : this.addedRows(first, count);
  }

  private addedRows(first: number, count: number): Float32Array {
    const at = (first - this.saved.rows) * this.dimensions;
    return this.added.subarray(at, at + count * this.dimensions);
  }

  /** The sentences of `passage`, in order: found in its document's sentences by their offsets. */
  private sentencesOf(passage: Passage): Sentence[] {
    const sentences = this.byDocument.get(passage.documentId) ?? [];
    const own: Sentence[] = [];
    for (let i = firstEndingAfter(sentences, passage.start); i < sentences.length && sentences[i]!.start < passage.end; i++) {
      if (sentences[i]!.passageId === passage.id) own.push(sentences[i]!);
    }
    return own;
  }
}

/** The position of the first of `sentences` (in order) that ends after `offset`, by binary search. */
function firstEndingAfter(sentences: Sentence[], offset: number): number {
  let low = 0;
  let high = sentences.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sentences[middle]!.end <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `rows` after the rows of `table`, in a new view that shares `table`'s buffer while it has room: `table`
 * itself still reads as before. The buffer grows by half when full, so adding costs in proportion to what is added.
 */
function appendRows(table: Float32Array, rows: Float32Array): Float32Array {
  const length = table.length + rows.length;
  const room = (table.buffer.byteLength - table.byteOffset) / Float32Array.BYTES_PER_ELEMENT;
  let target: Float32Array;
  if (length <= room && !(table.buffer instanceof SharedArrayBuffer)) {
    target = new Float32Array(table.buffer, table.byteOffset, length);
  } else {
    target = new Float32Array(new ArrayBuffer(Math.ceil(length * 1.5) * Float32Array.BYTES_PER_ELEMENT), 0, length);
    target.set(table);
  }
  target.set(rows, table.length);
  return target;
}
