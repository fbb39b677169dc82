import { setTimeout as sleep } from "node:timers/promises";
import { citeSentence } from "../../../src/answer/citations.js";
import { NOT_FOUND_ANSWER, type AnswerRequest, type Answerer, type Draft } from "../../../src/answer/types.js";
import type { CorpusIndex } from "../../../src/index/corpus-index.js";
import type { Passage } from "../../../src/ingest/types.js";

/** A citation of the first sentence of `passage`. */
async function citeFirstSentence(index: CorpusIndex, passage: Passage, id: number) {
  const [first] = (await index.sentences.ofPassages([passage])).get(passage.id)!;
  return citeSentence(index, first!.sentence, id);
}

/**
 * Cites the first sentence of each of the top `count` passages: a grounded answer with several
 * citations every time, whatever the real answerer would choose.
 */
export class QuotingAnswerer implements Answerer {
  readonly mode = "extractive" as const;

  constructor(
    private readonly index: CorpusIndex,
    private readonly count: number,
  ) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    const citations = await Promise.all(
      request.passages.slice(0, this.count).map((passage, i) => citeFirstSentence(this.index, passage, i + 1)),
    );
    const answer = citations.map((c) => `${c.quote} [${c.id}]`).join(" ");
    request.onDelta?.(answer);
    return { answer, grounded: true, mode: this.mode, citations };
  }
}

/**
 * Declines every question, as the real answerers do when no passage is close enough, so the page's
 * decline can be tested on passages that are worth showing.
 */
export class DecliningAnswerer implements Answerer {
  readonly mode = "extractive" as const;

  async answer(request: AnswerRequest): Promise<Draft> {
    request.onDelta?.(NOT_FOUND_ANSWER);
    return { answer: NOT_FOUND_ANSWER, grounded: false, mode: this.mode, citations: [] };
  }
}

/** Answers in words of its own, as a language model would, citing the first sentence of the top passage. */
export class ParaphrasingAnswerer implements Answerer {
  readonly mode = "llm" as const;

  constructor(private readonly index: CorpusIndex) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    const citation = await citeFirstSentence(this.index, request.passages[0]!, 1);
    const answer = "In short, the passage below is what the documents say about it [1].";
    request.onDelta?.(answer);
    return { answer, grounded: true, mode: this.mode, citations: [citation] };
  }
}

/**
 * Streams another answerer's answer a few characters at a time, slowly enough for a client to
 * leave in the middle, and counts how its runs ended.
 */
export class SlowAnswerer implements Answerer {
  readonly mode: Answerer["mode"];
  /** Runs that noticed the client had gone and stopped producing text. */
  stopped = 0;
  finished = 0;

  constructor(
    private readonly inner: Answerer,
    private readonly pieceMs = 40,
  ) {
    this.mode = inner.mode;
  }

  async answer(request: AnswerRequest): Promise<Draft> {
    const draft = await this.inner.answer({ ...request, onDelta: undefined });
    for (let i = 0; i < draft.answer.length; i += 6) {
      if (request.signal?.aborted) {
        this.stopped++;
        request.signal.throwIfAborted();
      }
      request.onDelta?.(draft.answer.slice(i, i + 6));
      await sleep(this.pieceMs);
    }
    this.finished++;
    return draft;
  }
}

/** Fails its first `failures` runs the way a broken model or index would, then answers like `inner`. */
export class FailingAnswerer implements Answerer {
  readonly mode: Answerer["mode"];

  constructor(
    private readonly inner: Answerer,
    private failures: number,
  ) {
    this.mode = inner.mode;
  }

  async answer(request: AnswerRequest): Promise<Draft> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("the answerer broke");
    }
    return this.inner.answer(request);
  }
}

/**
 * Answers like `inner` but with the confidence given, which is what decides whether the pipeline calls a
 * grounded answer `direct` or `related`: so a test can show either on the same quote.
 */
export class ConfidenceAnswerer implements Answerer {
  readonly mode: Answerer["mode"];

  constructor(
    private readonly inner: Answerer,
    private readonly confidence: number,
  ) {
    this.mode = inner.mode;
  }

  async answer(request: AnswerRequest): Promise<Draft> {
    return { ...(await this.inner.answer(request)), confidence: this.confidence };
  }
}

/** Answers as a language model often writes, in Markdown (bold, a list, code), citing the first sentence of the top passage. */
export class MarkdownAnswerer implements Answerer {
  readonly mode = "llm" as const;

  constructor(
    private readonly index: CorpusIndex,
    private readonly answer_: string,
  ) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    const citation = await citeFirstSentence(this.index, request.passages[0]!, 1);
    request.onDelta?.(this.answer_);
    return { answer: this.answer_, grounded: true, mode: this.mode, citations: [citation], confidence: 0.9 };
  }
}

/** Answers in words of its own that change each time it is asked, as a language model's may, citing the top passage's first sentence. */
export class CountingAnswerer implements Answerer {
  readonly mode = "llm" as const;
  asked = 0;

  constructor(private readonly index: CorpusIndex) {}

  async answer(request: AnswerRequest): Promise<Draft> {
    const citation = await citeFirstSentence(this.index, request.passages[0]!, 1);
    const answer = `Answer number ${++this.asked} [1].`;
    request.onDelta?.(answer);
    return { answer, grounded: true, mode: this.mode, citations: [citation], confidence: 0.9 };
  }
}
