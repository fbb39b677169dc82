import type { AnswerRequest, Answerer, Draft } from "../answer/types.js";
import { describeFailure } from "./failures.js";

/**
 * The LLM answerer, with the extractive one standing in when the model fails: the client gets an
 * extractive answer marked `degraded` with the reason, never an error.
 */
export class FallbackAnswerer implements Answerer {
  readonly mode = "llm" as const;

  constructor(
    private readonly primary: Answerer,
    private readonly fallback: Answerer,
  ) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    let streamed = false;
    const show = request.onDelta;
    const onDelta =
      show &&
      ((text: string) => {
        streamed = true;
        show(text);
      });
    try {
      return await this.primary.answer({ ...request, onDelta });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      const reason = describeFailure(error);
      console.warn(`LLM answer failed, answering extractively instead: ${reason}`);
      // After part of the model's answer was streamed, the fallback's text would only be appended
      // to it; the final `done` body carries the fallback answer instead.
      const draft = await this.fallback.answer({ ...request, onDelta: streamed ? undefined : request.onDelta });
      return { ...draft, degraded: { reason } };
    }
  }
}
