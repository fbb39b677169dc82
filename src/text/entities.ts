import winkNLP, { type WinkMethods } from "wink-nlp";
import model from "wink-eng-lite-web-model";

/** The kinds of thing a sentence can hold that a question may ask for. */
export type AnswerKind = "quantity" | "time" | "name";

/** wink-nlp's entity types, by the kind of answer they are. */
const KIND_OF_ENTITY: Record<string, AnswerKind> = {
  CARDINAL: "quantity",
  MONEY: "quantity",
  PERCENT: "quantity",
  ORDINAL: "quantity",
  DATE: "time",
  TIME: "time",
  DURATION: "time",
};

let nlp: WinkMethods | undefined;

/**
 * What `text` holds of each kind of answer: numbers, amounts and percentages (quantity), dates and
 * times (time), from wink-nlp's rule-based entity recognizer; proper nouns after the first word
 * (name), from its part-of-speech tagger, since the light English model has no person or place recognizer.
 */
export function answerKinds(text: string): Map<AnswerKind, string[]> {
  nlp ??= winkNLP(model);
  const doc = nlp.readDoc(text);
  const found = new Map<AnswerKind, string[]>();
  const add = (kind: AnswerKind, value: string) => found.set(kind, [...(found.get(kind) ?? []), value]);
  const entities = doc.entities();
  const types = entities.out(nlp.its.type) as string[];
  const values = entities.out() as string[];
  types.forEach((type, i) => {
    const kind = KIND_OF_ENTITY[type];
    if (kind) add(kind, values[i]!);
  });
  const tokens = doc.tokens();
  const tags = tokens.out(nlp.its.pos) as string[];
  const words = tokens.out() as string[];
  tags.forEach((tag, i) => {
    if (i > 0 && tag === "PROPN") add("name", words[i]!);
  });
  return found;
}
