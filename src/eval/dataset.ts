import { readFile } from "node:fs/promises";
import { z } from "zod";
import { documentIdFor } from "../ingest/document-names.js";
import type { SourceDocument } from "../ingest/types.js";
import type { Span } from "../text/span.js";

/** One question to evaluate, with where its gold answers sit in the corpus. */
export interface EvalQuestion {
  id: string;
  question: string;
  /** Acceptable answer texts (empty when unanswerable). */
  answers: string[];
  /** Where the gold answers are in the corpus. */
  answerSpans: (Span & { documentId: string })[];
  unanswerable: boolean;
  kind?: string;
  /** SQuAD only: the title of the article the question is about, and that article's document id. */
  article?: string;
  documentId?: string;
  /** Golden set only: exact quotes of the article that contain the answer. */
  evidence?: string[];
}

export interface Dataset {
  format: "squad" | "golden";
  /** Documents the dataset brings with it (SQuAD); the golden set uses the configured corpus. */
  documents?: { path: string; text: string }[];
  questions: EvalQuestion[];
}

const squadSchema = z.object({
  data: z.array(
    z.object({
      title: z.string(),
      paragraphs: z.array(
        z.object({
          context: z.string(),
          qas: z.array(
            z.object({
              id: z.string(),
              question: z.string(),
              answers: z.array(z.object({ text: z.string(), answer_start: z.number().int() })),
              is_impossible: z.boolean().optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

const goldenSchema = z.object({
  id: z.string(),
  question: z.string(),
  kind: z.string().optional(),
  answers: z.array(z.string()),
  evidence: z.array(z.string()),
  unanswerable: z.boolean(),
});

/** Reads SQuAD 2.0 JSON, or the project's golden JSONL (question, answers, evidence, unanswerable). */
export async function readDataset(file: string): Promise<Dataset> {
  const raw = await readFile(file, "utf8");
  if (file.endsWith(".jsonl")) {
    const lines = raw.split("\n").filter((line) => line.trim() !== "");
    return { format: "golden", questions: lines.map((line) => ({ ...goldenSchema.parse(JSON.parse(line)), answerSpans: [] })) };
  }
  return fromSquad(squadSchema.parse(JSON.parse(raw)));
}

/**
 * One markdown document per SQuAD article: its title as a heading, then its paragraphs joined by
 * blank lines, so every `answer_start` maps to a document offset.
 */
function fromSquad(squad: z.infer<typeof squadSchema>): Dataset {
  const documents: { path: string; text: string }[] = [];
  const questions: EvalQuestion[] = [];
  squad.data.forEach((article, a) => {
    const path = `${String(a).padStart(4, "0")}-${article.title.replace(/[^\w-]+/g, "_")}.md`;
    let text = `# ${article.title.replace(/_/g, " ")}\n\n`;
    const documentId = documentIdFor(path);
    for (const paragraph of article.paragraphs) {
      const offset = text.length;
      text += `${paragraph.context}\n\n`;
      for (const qa of paragraph.qas) {
        const unanswerable = qa.is_impossible === true || qa.answers.length === 0;
        questions.push({
          id: qa.id,
          question: qa.question,
          answers: unanswerable ? [] : [...new Set(qa.answers.map((x) => x.text))],
          answerSpans: unanswerable
            ? []
            : qa.answers.map((x) => ({ documentId, start: offset + x.answer_start, end: offset + x.answer_start + x.text.length })),
          unanswerable,
          article: article.title,
          documentId,
        });
      }
    }
    documents.push({ path, text });
  });
  return { format: "squad", documents, questions };
}

/** Places the golden set's answers: each answer text inside each of its evidence passages. */
export function locateGoldenAnswers(questions: EvalQuestion[], documents: SourceDocument[]): EvalQuestion[] {
  return questions.map((q) => {
    const evidence = q.evidence ?? [];
    const spans: EvalQuestion["answerSpans"] = [];
    for (const doc of documents) {
      for (const quote of evidence) {
        const at = doc.text.indexOf(quote);
        if (at < 0) continue;
        const lower = quote.toLowerCase();
        for (const answer of q.answers) {
          const inside = lower.indexOf(answer.toLowerCase());
          if (inside >= 0) spans.push({ documentId: doc.id, start: at + inside, end: at + inside + answer.length });
        }
      }
    }
    return { ...q, answerSpans: spans };
  });
}

/** A fixed-seed sample of `n` questions (mulberry32), so `--limit` runs are repeatable. */
export function sample<T>(items: T[], n: number, seed = 42): T[] {
  if (n >= items.length) return items;
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
