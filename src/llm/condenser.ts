import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage } from "@langchain/core/messages";
import type { QuestionCondenser } from "../answer/ask.js";
import type { HistoryTurn } from "../answer/types.js";
import { describeFailure } from "./failures.js";
import type { Prompts } from "./prompts.js";

/** The recent turns hold what a follow-up refers to; older ones only cost tokens. */
const HISTORY_TURNS = 6;

/**
 * Rewrites a follow-up ("and who claimed it?") into a question that stands alone, for retrieval.
 * When the model cannot, the offline `fallback` condenses it instead.
 */
export function createCondenser(model: BaseChatModel, prompts: Prompts, fallback: QuestionCondenser): QuestionCondenser {
  return async (question, history, signal) => {
    try {
      const reply = await model.invoke(
        [new HumanMessage(prompts.fill("condense", { history: renderHistory(history, prompts), question }))],
        {
          signal,
        },
      );
      const standalone = reply.text.trim().split("\n", 1)[0]!.trim();
      return standalone === "" ? question : standalone;
    } catch (error) {
      if (signal?.aborted) throw error;
      console.warn(`Condensing the follow-up with the model failed, condensing it offline: ${describeFailure(error)}`);
      return fallback(question, history, signal);
    }
  };
}

function renderHistory(history: HistoryTurn[], prompts: Prompts): string {
  return history
    .slice(-HISTORY_TURNS)
    .map((turn) => prompts.fill("historyTurn", { role: turn.role, content: turn.content }))
    .join("\n");
}
