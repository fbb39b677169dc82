import { describe, expect, it } from "vitest";
import { parseReply, ProtocolError } from "../../src/llm/protocol.js";
import { VisibleAnswer } from "../../src/llm/visible-answer.js";

const reply = 'ISKP claimed the attack [1]. It killed 137 people [2][3].\n\nQUOTES:\n[{"id": 1, "passage": "P1", "quote": "ISKP claimed"}]';
const answer = "ISKP claimed the attack [1]. It killed 137 people [2][3].";

function stream(pieces: string[]): string[] {
  const deltas: string[] = [];
  const visible = new VisibleAnswer((text) => deltas.push(text));
  for (const piece of pieces) visible.push(piece);
  visible.end();
  return deltas;
}

describe("parseReply", () => {
  it("splits the answer from the claims", () => {
    expect(parseReply(reply)).toEqual({ answer, claims: [{ id: 1, passage: "P1", quote: "ISKP claimed" }] });
  });

  it("accepts a dressed-up QUOTES line and a fenced array", () => {
    expect(parseReply('Yes [1].\n**Quotes:**\n```json\n[{"id": 1}]\n```').claims).toEqual([{ id: 1 }]);
  });

  it("takes a reply with no markers and no block as an uncited answer", () => {
    expect(parseReply("I cannot find it.")).toEqual({ answer: "I cannot find it.", claims: [] });
  });

  it("rejects markers without a block, a block that is not a JSON array, and an empty reply", () => {
    expect(() => parseReply("Yes [1].")).toThrow(ProtocolError);
    expect(() => parseReply("Yes [1].\nQUOTES:\n[{id: 1,")).toThrow(ProtocolError);
    expect(() => parseReply('Yes [1].\nQUOTES: {"id": 1}')).toThrow(ProtocolError);
    expect(() => parseReply(" \n")).toThrow(ProtocolError);
  });
});

describe("VisibleAnswer", () => {
  it("shows exactly the answer however the reply is cut, never half a marker, never the QUOTES block", () => {
    const cuts = [[...reply], ...[...reply].map((_, i) => [reply.slice(0, i), reply.slice(i)])];
    for (const pieces of cuts) {
      const deltas = stream(pieces);
      expect(deltas.join("")).toBe(answer);
      for (const delta of deltas) {
        expect(delta).not.toMatch(/\[\d*$/);
        expect(delta).not.toMatch(/^\d*\]/);
        expect(delta).not.toMatch(/QUOTES|"quote"/i);
        expect(delta).not.toBe("");
      }
    }
  });

  it("shows a bracket that is not a marker, and text that only starts like QUOTES", () => {
    expect(stream(["See [the", " table].\nQuo", "te: none."]).join("")).toBe("See [the table].\nQuote: none.");
    expect(stream(["Q", "uite so [", "1"]).join("")).toBe("Quite so [1");
  });
});
