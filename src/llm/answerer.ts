import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { enforceCitations } from "../answer/citations.js";
import { NOT_FOUND_ANSWER, type AnswerRequest, type Answerer, type Draft } from "../answer/types.js";
import type { CorpusIndex } from "../index/corpus-index.js";
import { verifyClaims } from "./claims.js";
import { labelPassages, renderPassages } from "./passage-labels.js";
import type { Prompts } from "./prompts.js";
import { parseReply } from "./protocol.js";
import { streamReply, type ReplyTimeouts } from "./reply-stream.js";
import { VisibleAnswer } from "./visible-answer.js";

/**
 * Answers with a chat model writing from the retrieved passages, then keeps only the citations
 * whose quotes are found in the source. Failures (network, HTTP status, a reply that breaks the
 * protocol) are thrown; FallbackAnswerer turns them into an extractive answer.
 */
export class LlmAnswerer implements Answerer {
  readonly mode = "llm" as const;

  constructor(
    private readonly model: BaseChatModel,
    private readonly prompts: Prompts,
    private readonly index: CorpusIndex,
    private readonly timeouts: ReplyTimeouts,
  ) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    const passages = labelPassages(request.passages);
    const messages = [
      new SystemMessage(this.prompts.fill("system", {})),
      new HumanMessage(
        this.prompts.fill("answer", {
          passages: renderPassages(passages, this.prompts),
          question: request.question,
          notFound: NOT_FOUND_ANSWER,
        }),
      ),
    ];
    // Streamed even when nobody watches: one code path, and the stall timeout guards every reply.
    const visible = new VisibleAnswer(request.onDelta);
    let raw = "";
    for await (const piece of streamReply(this.model, messages, { ...this.timeouts, signal: request.signal })) {
      raw += piece;
      visible.push(piece);
    }
    // Parsed before the held-back tail is shown, so a reply that breaks the protocol shows no more.
    const reply = parseReply(raw);
    visible.end();

    const { citations, unverified } = verifyClaims(reply.claims, passages, this.index.documents);
    const checked = await enforceCitations(reply.answer, citations, this.index, request.passages);
    // Without one verified citation, nothing in the answer is known to come from the documents.
    if (checked.citations.length === 0) return { answer: NOT_FOUND_ANSWER, grounded: false, mode: this.mode, citations: [], unverified };
    return { answer: checked.answer, grounded: true, mode: this.mode, citations: checked.citations, unverified };
  }
}
