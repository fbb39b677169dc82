import { describe, expect, it } from "vitest";
import { verifyQuote } from "../../src/answer/quotes.js";

const documentText = "Title\n\nDr. Lee said “we are  done” at 3 p.m.\nThe U.S. Army arrived – slowly… and left. ISKP’s reach grew.";
const passage = { start: 7, text: documentText.slice(7) };

function expectExact(quote: string) {
  const match = verifyQuote(passage, quote);
  expect(match, quote).toBeDefined();
  expect(documentText.slice(match!.start, match!.end)).toBe(match!.quote);
  return match!;
}

describe("verifyQuote", () => {
  it("finds an exact quote at its document offsets", () => {
    const match = expectExact("The U.S. Army arrived");
    expect(match.start).toBe(documentText.indexOf("The U.S. Army arrived"));
    expect(match.quote).toBe("The U.S. Army arrived");
  });

  it("tolerates whitespace, straight for curly quotes, dashes, case and a typed ellipsis, and returns the source text", () => {
    expect(expectExact('said "we are done" at 3 p.m. The U.S.').quote).toBe("said “we are  done” at 3 p.m.\nThe U.S.");
    expect(expectExact("arrived - slowly... and left").quote).toBe("arrived – slowly… and left");
    expect(expectExact("iskp's reach grew").quote).toBe("ISKP’s reach grew");
  });

  it("reads an ellipsis as left-out words and spans from the first piece to the last", () => {
    expect(expectExact("Dr. Lee said … at 3 p.m.").quote).toBe("Dr. Lee said “we are  done” at 3 p.m.");
    expect(expectExact("...the U.S. Army arrived...").quote).toBe("The U.S. Army arrived");
  });

  it("rejects a quote that is not in the passage, pieces out of order, and a quote without words", () => {
    expect(verifyQuote(passage, "The U.S. Navy arrived")).toBeUndefined();
    expect(verifyQuote(passage, "and left ... Dr. Lee said")).toBeUndefined();
    expect(verifyQuote(passage, "Title")).toBeUndefined();
    expect(verifyQuote(passage, "  ")).toBeUndefined();
    expect(verifyQuote(passage, "…")).toBeUndefined();
  });
});
