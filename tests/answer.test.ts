import { beforeAll, describe, expect, it } from "vitest";
import { ask, type AskPipeline } from "../src/answer/ask.js";
import { definitionStrength, definitionTarget, expectedAnswerKind } from "../src/answer/extractive/answer-type.js";
import { splitQuestion } from "../src/answer/extractive/compound.js";
import { contentTerms, isStopWordTypo } from "../src/text/terms.js";
import { openArticlePipeline } from "./support/pipeline.js";

describe("reading the question", () => {
  it("splits a compound question into the questions it asks", () => {
    expect(splitQuestion("When did the attack take place, and who is explaining what it means?")).toEqual([
      "When did the attack take place",
      "who is explaining what it means?",
    ]);
    expect(splitQuestion("What happened? Who did it?")).toEqual(["What happened?", "Who did it?"]);
    expect(splitQuestion("How are Russia and the Taliban related?")).toEqual(["How are Russia and the Taliban related?"]);
  });

  it("knows what kind of answer the question's own sentence asks for", () => {
    expect(expectedAnswerKind("How many people died?")).toBe("quantity");
    expect(expectedAnswerKind("When did it happen? What happened in Moscow?")).toBe("time");
    expect(expectedAnswerKind("Who explains the attack?")).toBe("name");
    expect(expectedAnswerKind("Which group claimed it?")).toBe("name");
    expect(expectedAnswerKind("Why did it happen?")).toBeNull();
  });

  it("recognises definition questions and the sentences that define", () => {
    expect(definitionTarget("What does the abbreviation ISKP stand for?")).toBe("ISKP");
    expect(definitionTarget("ISKP full name")).toBe("ISKP");
    expect(definitionTarget("What is the Taliban?")).toBe("Taliban");
    expect(definitionTarget("How many people died?")).toBeNull();
    expect(definitionStrength("Islamic State-Khorasan Province (ISKP) killed approximately 137 people.", "ISKP")).toBe(1);
    expect(definitionStrength("The Taliban, a militant group, took power.", "Taliban")).toBe(0.5);
    expect(definitionStrength("ISKP is the only formidable challenger to the Taliban.", "ISKP")).toBe(0);
    expect(definitionStrength("ISKP killed approximately 137 people.", "ISKP")).toBe(0);
  });

  it("keeps acronyms and hyphenated names as terms, and drops question framing", () => {
    expect(contentTerms("What does the article say about U.S. policy?")).toEqual(["us", "polici"]);
    expect(contentTerms("Tehrik-e-Taliban")).toEqual(["tehrik-e-taliban", "tehrik", "taliban"]);
    expect(contentTerms("found took spent leaders")).toEqual(contentTerms("find take spend leader"));
    expect(isStopWordTypo("wat")).toBe(true);
    expect(isStopWordTypo("Taliban")).toBe(false);
  });
});

describe("extractive answers", () => {
  let pipeline: AskPipeline;
  beforeAll(async () => {
    pipeline = await openArticlePipeline();
  });

  it("answers each part of a compound question with its own cited sentence", async () => {
    const response = await ask(pipeline, { question: "How many people did ISKP kill in Moscow, and did the Taliban condemn the attack?" });
    expect(response.citations).toHaveLength(2);
    expect(response.citations[0]!.quote).toContain("137 people");
    expect(response.citations[1]!.quote).toContain("The Taliban has publicly condemned the Moscow attack");
    expect(response.answer).toMatch(/\[1\].*\[2\]$/);
  });

  it("reads typos of question words as the words they stand for", async () => {
    const response = await ask(pipeline, { question: "Wat region does Rusia want to safegaurd its interests in?" });
    expect(response.grounded).toBe(true);
    expect(response.answer).toContain("Central Asia");
  });
});
