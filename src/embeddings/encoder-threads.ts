import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
import { Embeddings } from "@langchain/core/embeddings";
import { startModuleWorker } from "../workers/module-worker.js";
import { UniversalSentenceEncoderEmbeddings } from "./universal-sentence-encoder.js";

type ToEncoder = { id: number; texts: string[] };
type FromEncoder = { id: number; vectors: Float32Array; dimensions: number } | { id: number; error: string };

interface Encoder {
  worker: Worker;
  pending: Map<number, { resolve: (vectors: number[][]) => void; reject: (error: Error) => void }>;
}

/**
 * The local encoder in `threads` worker threads, one model each. Its WASM backend runs on one core in
 * Node and blocks the thread it runs on, so a build embeds on every core only through several threads,
 * and a server embeds questions in one thread of its own: loading the model and embedding never hold
 * up the thread that answers HTTP. Each call goes to the thread with the fewest calls in flight. An
 * idle thread does not keep the process alive; `close` ends the threads.
 */
export class EncoderThreads extends Embeddings {
  /** Started on the first call, so an instance that is never used costs nothing. */
  private encoders?: Encoder[];
  private nextId = 0;

  constructor(private readonly threads: number) {
    super({});
  }

  embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return Promise.resolve([]);
    this.encoders ??= Array.from({ length: this.threads }, () => this.start());
    const encoder = this.encoders.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (encoder.pending.size === 0) encoder.worker.ref();
      encoder.pending.set(id, { resolve, reject });
      encoder.worker.postMessage({ id, texts } satisfies ToEncoder);
    });
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedDocuments([text]);
    return vector!;
  }

  async close(): Promise<void> {
    await Promise.all((this.encoders ?? []).map((encoder) => encoder.worker.terminate()));
    this.encoders = undefined;
  }

  private start(): Encoder {
    const encoder: Encoder = { worker: startModuleWorker(import.meta.url, { encoderThread: true }), pending: new Map() };
    encoder.worker.unref();
    encoder.worker.on("message", (message: FromEncoder) => {
      const call = encoder.pending.get(message.id);
      encoder.pending.delete(message.id);
      if (encoder.pending.size === 0) encoder.worker.unref();
      if ("error" in message) call?.reject(new Error(message.error));
      else call?.resolve(unpack(message.vectors, message.dimensions));
    });
    const fail = (error: Error) => {
      for (const call of encoder.pending.values()) call.reject(error);
      encoder.pending.clear();
    };
    encoder.worker.on("error", fail);
    encoder.worker.on("exit", (code) => fail(new Error(`an encoder thread stopped (exit code ${code})`)));
    return encoder;
  }
}

function unpack(packed: Float32Array, dimensions: number): number[][] {
  const vectors: number[][] = [];
  for (let i = 0; i < packed.length; i += dimensions) vectors.push(Array.from(packed.subarray(i, i + dimensions)));
  return vectors;
}

/** The thread's side: embed each batch it is sent, in order, and send the vectors back packed. */
function serveEncoder(): void {
  const port = parentPort!;
  const model = new UniversalSentenceEncoderEmbeddings();
  let queue = Promise.resolve();
  port.on("message", ({ id, texts }: ToEncoder) => {
    queue = queue.then(async () => {
      try {
        const vectors = await model.embedDocuments(texts);
        const dimensions = vectors[0]?.length ?? 0;
        const packed = new Float32Array(vectors.length * dimensions);
        vectors.forEach((vector, i) => packed.set(vector, i * dimensions));
        port.postMessage({ id, vectors: packed, dimensions } satisfies FromEncoder, [packed.buffer]);
      } catch (error) {
        port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies FromEncoder);
      }
    });
  });
}

if (!isMainThread && (workerData as { encoderThread?: boolean } | null)?.encoderThread) serveEncoder();
