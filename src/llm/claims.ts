import { z } from "zod";
import { verifyQuote } from "../answer/quotes.js";
import type { Citation, UnverifiedCitation } from "../answer/types.js";
import type { IndexDocuments } from "../index/corpus-index.js";
import type { RankedPassage } from "../retrieve/hybrid.js";
import { normalizeLabel } from "./passage-labels.js";

const claimSchema = z.object({
  id: z.coerce.number().int().positive(),
  passage: z.union([z.string(), z.number()]),
  quote: z.string().refine((quote) => quote.trim() !== ""),
});

export interface VerifiedClaims {
  citations: Citation[];
  unverified: UnverifiedCitation[];
}

/**
 * Checks each `{id, passage, quote}` the model claimed against the source text of the passage it
 * cites. A quote that is found becomes a Citation at the source's exact offsets; any other claim
 * is listed as unverified with the reason. One verified quote per marker is enough: later quotes
 * for the same marker are not needed and are left out.
 */
export function verifyClaims(claims: unknown[], passages: Map<string, RankedPassage>, documents: IndexDocuments): VerifiedClaims {
  const citations = new Map<number, Citation>();
  const unverified: UnverifiedCitation[] = [];
  for (const claim of claims) {
    const parsed = claimSchema.safeParse(claim);
    if (!parsed.success) {
      unverified.push({
        passageId: field(claim, "passage"),
        quote: field(claim, "quote"),
        reason: "not an entry of the form {id, passage, quote}",
      });
      continue;
    }
    const { id, quote } = parsed.data;
    if (citations.has(id)) continue;
    const label = normalizeLabel(parsed.data.passage);
    const passage = passages.get(label);
    if (!passage) {
      unverified.push({ passageId: label, quote, reason: `passage ${label} was not among the passages given to the model` });
      continue;
    }
    const match = verifyQuote(passage, quote);
    if (!match) {
      unverified.push({ passageId: passage.id, quote, reason: `the quote is not in passage ${label}` });
      continue;
    }
    citations.set(id, { id, documentId: passage.documentId, title: documents.catalog.get(passage.documentId)!.title, ...match });
  }
  return { citations: [...citations.values()], unverified };
}

function field(claim: unknown, key: string): string {
  const value = typeof claim === "object" && claim !== null ? (claim as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}
