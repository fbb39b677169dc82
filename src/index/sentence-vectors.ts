import type { Sentence } from "../ingest/types.js";
import type { SentenceVectors } from "./corpus-index.js";

/** Every sentence's unit vector in one table held in memory, by `Sentence.index`: the embedded store's. */
export class SentenceVectorTable implements SentenceVectors {
  constructor(
    /** `Sentence.index` rows of `dimensions`. */
    readonly rows: Float32Array,
    readonly dimensions: number,
  ) {}

  async read(sentences: Sentence[]): Promise<Float32Array[]> {
    return sentences.map((s) => this.row(s.index));
  }

  /** The vector of the sentence at `position`: a view of the table. */
  row(position: number): Float32Array {
    return this.rows.subarray(position * this.dimensions, (position + 1) * this.dimensions);
  }

  /**
   * `rows` after this table's rows, in a new table that shares this one's buffer while it has room: this one
   * still reads as before. The buffer grows by half when full, so adding costs in proportion to what is added.
   */
  with(rows: Float32Array, dimensions: number): SentenceVectorTable {
    const table = this.rows;
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
    return new SentenceVectorTable(target, dimensions);
  }
}
