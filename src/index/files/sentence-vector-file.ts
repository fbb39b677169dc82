import { closeSync, openSync, read, readSync } from "node:fs";
import { promisify } from "node:util";

const readAt = promisify(read);

/** Versions of one index share its file, and none knows when it is the last: the descriptor closes once none is left. */
const closing = new FinalizationRegistry<number>((fd) => closeSync(fd));

/**
 * A saved index's sentence vectors, read from its file when a question needs them rather than held: float32
 * rows of `dimensions`, by `Sentence.index`. The file is opened once, so a build that then removes the
 * folder does not take it from a server still answering from this version.
 */
export class SentenceVectorFile {
  private constructor(
    private readonly fd: number,
    readonly rows: number,
    readonly dimensions: number,
  ) {}

  /** The file at `path`, already checked to hold `rows` rows. */
  static open(path: string, rows: number, dimensions: number): SentenceVectorFile {
    const fd = openSync(path, "r");
    const file = new SentenceVectorFile(fd, rows, dimensions);
    closing.register(file, fd);
    return file;
  }

  /** `count` rows from `first`. */
  async read(first: number, count: number): Promise<Float32Array> {
    const vectors = this.rowsFor(first, count);
    const { bytesRead } = await readAt(this.fd, vectors, 0, vectors.byteLength, first * this.rowBytes);
    return this.whole(vectors, bytesRead, first);
  }

  /** `count` rows from `first`, read before returning: for a build, which reads every row once. */
  readNow(first: number, count: number): Float32Array {
    const vectors = this.rowsFor(first, count);
    return this.whole(vectors, readSync(this.fd, vectors, 0, vectors.byteLength, first * this.rowBytes), first);
  }

  private get rowBytes(): number {
    return this.dimensions * Float32Array.BYTES_PER_ELEMENT;
  }

  private rowsFor(first: number, count: number): Float32Array {
    if (first < 0 || count < 0 || first + count > this.rows) throw new RangeError(`rows ${first}-${first + count} of ${this.rows}`);
    return new Float32Array(count * this.dimensions);
  }

  private whole(vectors: Float32Array, bytesRead: number, first: number): Float32Array {
    // The file was checked whole at load and is never written again: a short read means it was cut since.
    if (bytesRead !== vectors.byteLength)
      throw new Error(`the sentence vectors from row ${first} could not be read: the index file is shorter than it was`);
    return vectors;
  }
}
