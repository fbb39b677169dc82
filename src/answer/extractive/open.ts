import type { EmbeddingModel } from "../../embeddings/index.js";
import { WordVectors } from "../../embeddings/word-vectors.js";
import type { CorpusIndex } from "../../index/corpus-index.js";
import type { Progress } from "../../progress.js";
import { WordNet } from "../../text/wordnet.js";
import { ExtractiveAnswerer } from "./answerer.js";
import type { AnswererResources } from "./candidate-data.js";
import { corpusTermsOf } from "./counted-terms.js";
import { AnswerScorer } from "./scorer.js";

/** What the answerer reads `index`'s candidates with: the counts of its terms, and the language resources. */
export async function openAnswererResources(
  index: CorpusIndex,
  cacheDir: string,
  progress: Progress = () => {},
): Promise<AnswererResources> {
  const [wordVectors, wordNet, terms] = await Promise.all([WordVectors.load(cacheDir, progress), WordNet.open(), corpusTermsOf(index)]);
  return { index, terms, wordVectors, wordNet };
}

export interface ExtractiveOptions {
  /** The scorer file `npm run train` wrote. */
  scorerPath: string;
  /** Overrides the scorer's own decline threshold. */
  minConfidence?: number;
  /** Overrides the scorer's own threshold for a `direct` answer. */
  directConfidence?: number;
  cacheDir: string;
}

/** The offline answerer over `index`, and what an operator should know about it (a scorer trained with another encoder). */
export async function openExtractiveAnswerer(
  index: CorpusIndex,
  model: EmbeddingModel,
  options: ExtractiveOptions,
  progress: Progress = () => {},
): Promise<{ extractive: ExtractiveAnswerer; warnings: string[] }> {
  const [scorer, resources] = await Promise.all([
    AnswerScorer.load(options.scorerPath),
    openAnswererResources(index, options.cacheDir, progress),
  ]);
  const trainedWith = scorer.file.embeddings;
  const warnings =
    trainedWith.provider === model.provider && trainedWith.model === model.model
      ? []
      : [
          `the answer scorer was trained with ${trainedWith.provider}/${trainedWith.model} embeddings but the index uses ${model.provider}/${model.model}: ` +
            `its confidence is not calibrated for them; retrain with npm run train`,
        ];
  const settings = {
    minConfidence: options.minConfidence ?? scorer.file.threshold,
    directConfidence: options.directConfidence ?? scorer.file.direct.threshold,
    directUnmatchedRarity: scorer.file.direct.unmatchedRarity,
    secondSentenceMargin: scorer.file.secondSentenceMargin,
  };
  return { extractive: new ExtractiveAnswerer(resources, scorer, model.embeddings, settings), warnings };
}
