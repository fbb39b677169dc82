import { fromHalves, toHalves } from "../embeddings/half-precision.js";
import type { Passage, Sentence } from "../ingest/types.js";
import { textIn } from "./change.js";
import type { AddedSentences, IndexSentences, SentenceWithVector } from "./corpus-index.js";

/**
 * Every sentence and its unit vector held in memory: the embedded store's. A table of every sentence the
 * index has held, by `Sentence.index`, shared by the versions of one index: a removed or replaced document's
 * stay until the index is compacted, so a position never changes under a reader. The vectors are held at half
 * precision, the largest part of what an index holds per sentence halved; a vector is read back as float32.
 */
export class HeldSentences implements IndexSentences {
  readonly count: number;

  constructor(
    /** Every sentence the index has held, by `Sentence.index`. */
    readonly all: Sentence[],
    /** The current documents' sentences, in order. */
    readonly byDocument: Map<string, Sentence[]>,
    /** `Sentence.index` rows of `dimensions`, at half precision. */
    private readonly rows: Uint16Array,
    readonly dimensions: number,
  ) {
    let count = 0;
    for (const own of byDocument.values()) count += own.length;
    this.count = count;
  }

  async ofPassages(passages: Passage[]): Promise<Map<string, SentenceWithVector[]>> {
    return new Map(passages.map((p) => [p.id, this.sentencesOf(p).map((sentence) => ({ sentence, vector: this.row(sentence.index) }))]));
  }

  async around(documentId: string, offset: number): Promise<{ sentence: Sentence; previous?: Sentence } | undefined> {
    const sentences = this.byDocument.get(documentId) ?? [];
    const at = firstEndingAfter(sentences, offset);
    const sentence = sentences[at];
    if (!sentence || sentence.start > offset) return undefined;
    return { sentence, ...(at > 0 && { previous: sentences[at - 1]! }) };
  }

  /** Sentences `all` (of which `byDocument` are current) and their vectors, float32 rows in `all`'s order. */
  static of(all: Sentence[], byDocument: Map<string, Sentence[]>, vectors: Float32Array, dimensions: number): HeldSentences {
    return new HeldSentences(all, byDocument, toHalves(vectors), dimensions);
  }

  /** The vector of the sentence at `position`. */
  row(position: number): Float32Array {
    return fromHalves(this.rows.subarray(position * this.dimensions, (position + 1) * this.dimensions));
  }

  after(added: AddedSentences[], replaced: Set<string>, dimensions: number): HeldSentences {
    const byDocument = new Map(this.byDocument);
    for (const id of replaced) byDocument.delete(id);
    let rows = this.rows;
    for (const { document, sentences, sentenceVectors } of added) {
      const own = sentences.map((s, i): Sentence => ({ ...s, index: this.all.length + i, text: textIn(document, s) }));
      for (const sentence of own) this.all.push(sentence);
      byDocument.set(document.id, own);
      rows = appendRows(rows, toHalves(sentenceVectors));
    }
    return new HeldSentences(this.all, byDocument, rows, dimensions);
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
function appendRows(table: Uint16Array, rows: Uint16Array): Uint16Array {
  const length = table.length + rows.length;
  const room = (table.buffer.byteLength - table.byteOffset) / Uint16Array.BYTES_PER_ELEMENT;
  let target: Uint16Array;
  if (length <= room && !(table.buffer instanceof SharedArrayBuffer)) {
    target = new Uint16Array(table.buffer, table.byteOffset, length);
  } else {
    target = new Uint16Array(new ArrayBuffer(Math.ceil(length * 1.5) * Uint16Array.BYTES_PER_ELEMENT), 0, length);
    target.set(table);
  }
  target.set(rows, table.length);
  return target;
}
