import type { AskResponse } from "../answer/types.js";
import { whereQuoted } from "./answer-actions.js";
import { confidenceWord } from "./confidence.js";

export interface ExportedTurn {
  question: string;
  response: AskResponse;
}

/**
 * A conversation as a Markdown file to keep: each question as a heading, its answer, how sure it is, and
 * each quote cited as a reader would look it up (title, page, section), as Copy does.
 */
export function conversationAsMarkdown(turns: ExportedTurn[]): string {
  const parts = ["# Conversation", ""];
  for (const { question, response } of turns) {
    parts.push(`## ${question.replace(/\s+/g, " ").trim()}`, "");
    if (response.standaloneQuestion && response.standaloneQuestion.trim() !== question.trim())
      parts.push(`*Searched for: ${response.standaloneQuestion}*`, "");
    if (response.support === "related") parts.push("*The documents may not answer this directly: this is the closest they come.*", "");
    parts.push(response.answer, "");
    if (response.grounded) parts.push(`Confidence: ${confidenceWord(response.confidence)} (${Math.round(response.confidence * 100)}%)`, "");
    for (const citation of response.citations)
      parts.push(`[${citation.id}] ${whereQuoted(citation)}:`, "", `> ${citation.quote.replace(/\r\n|\r|\n/g, "\n> ")}`, "");
  }
  return parts.join("\n");
}

/** Hands `text` to the browser as a file download named `name`. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url));
}
