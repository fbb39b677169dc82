import { Embeddings } from "@langchain/core/embeddings";
import { beforeAll, describe, expect, it } from "vitest";
import { UniversalSentenceEncoderEmbeddings } from "../src/embeddings/universal-sentence-encoder.js";
import type { CorpusIndex } from "../src/index/corpus-index.js";
import { embeddedText, HybridRetriever, keywordTerms, MAX_EMBEDDED_CHARS, MAX_KEYWORD_TERMS } from "../src/retrieve/hybrid.js";
import { openRetrieval } from "../src/service.js";
import { contentTerms } from "../src/text/terms.js";
import { truncateAtWord } from "../src/text/truncate.js";
import { testConfig } from "./support/pipeline.js";

/** Records what it is asked to embed; answers with a fixed unit vector of the index's size. */
class RecordingEmbeddings extends Embeddings {
  readonly texts: string[] = [];
  constructor(private readonly dimensions: number) {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.texts.push(...texts);
    return texts.map(() => Array.from({ length: this.dimensions }, (_, i) => (i === 0 ? 1 : 0)));
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

const FIRST_SENTENCE = "How many people were killed in the Moscow attack on March 22, 2024, and who carried it out?";
const FILLER =
  " I am asking because reports differ on the numbers, on the attackers' links to Afghanistan and Tajikistan, on the warnings" +
  " that foreign intelligence services gave beforehand, on what the group's propaganda said afterwards, on recruitment among" +
  " migrant workers, on the security response at the concert hall, on border controls, sanctions, diplomacy, refugees and" +
  " the wider consequences for Central Asia, Pakistan, Iran, Europe and the Taliban government in Kabul.";
/** A 2,000-character question, the longest accepted, that starts with a normal one. */
const LONG_QUESTION = (FIRST_SENTENCE + FILLER.repeat(10)).slice(0, 2000);

let index: CorpusIndex;

beforeAll(async () => {
  ({ index } = await openRetrieval(testConfig()));
});

describe("bounded work per question", () => {
  it("embeds a 2,000-character question for retrieval at the capped length, and a normal one whole", async () => {
    expect(LONG_QUESTION.length).toBe(2000);
    const embeddings = new RecordingEmbeddings(UniversalSentenceEncoderEmbeddings.dimensions);
    const retriever = new HybridRetriever(index, embeddings);

    const long = await retriever.retrieve(LONG_QUESTION, 8);
    const short = await retriever.retrieve(FIRST_SENTENCE, 8);

    expect(embeddings.texts).toHaveLength(2);
    const [embeddedLong, embeddedShort] = embeddings.texts as [string, string];
    expect(embeddedLong.length).toBeLessThanOrEqual(MAX_EMBEDDED_CHARS);
    expect(embeddedLong.length).toBeGreaterThan(MAX_EMBEDDED_CHARS - 30);
    expect(LONG_QUESTION.startsWith(embeddedLong)).toBe(true);
    // Cut between words, not inside one.
    expect(LONG_QUESTION[embeddedLong.length]).toMatch(/\s/);
    expect(embeddedShort).toBe(FIRST_SENTENCE);
    // The whole question is still what the answerer reads, and both find passages.
    expect(long.question).toBe(LONG_QUESTION);
    expect(long.passages.length).toBeGreaterThan(0);
    expect(short.passages.length).toBeGreaterThan(0);
  });

  it("searches keywords by at most the first 32 distinct terms, and a normal question by all of its terms", () => {
    const terms = keywordTerms(LONG_QUESTION);
    expect(new Set(contentTerms(LONG_QUESTION)).size).toBeGreaterThan(MAX_KEYWORD_TERMS);
    expect(terms).toHaveLength(MAX_KEYWORD_TERMS);
    expect(terms).toEqual([...new Set(contentTerms(LONG_QUESTION))].slice(0, MAX_KEYWORD_TERMS));
    expect(keywordTerms(FIRST_SENTENCE)).toEqual(contentTerms(FIRST_SENTENCE));
  });

  it("cuts text at a word boundary and leaves short text alone", () => {
    expect(truncateAtWord("one two three", 100)).toBe("one two three");
    expect(truncateAtWord("one two three", 9)).toBe("one two");
    expect(truncateAtWord("one two three", 7)).toBe("one two");
    expect(truncateAtWord("onetwothree", 5)).toBe("onetw");
    expect(embeddedText(FIRST_SENTENCE)).toBe(FIRST_SENTENCE);
  });
});
