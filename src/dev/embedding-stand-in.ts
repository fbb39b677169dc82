import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An OpenAI-compatible embeddings server on loopback (`POST /v1/embeddings`) that answers at once with
 * deterministic vectors, for benchmarks that time the service's own work rather than a model's. A text's
 * vector is the sum of its words' hashed directions, normalised: texts that share words point alike, so
 * retrieval still finds them, and the same text always gets the same vector.
 */
export interface EmbeddingStandIn {
  /** What OPENAI_BASE_URL should be. */
  baseUrl: string;
  /**
   * How many texts and requests it has answered so far, and for how many milliseconds at least one request
   * was in flight (arrived, not yet answered): the time a build spent waiting on the embedder.
   */
  served(): { texts: number; requests: number; waitedMs: number };
  close(): Promise<void>;
}

/** The settings that make a server embed with `standIn`. */
export function standInSettings(standIn: EmbeddingStandIn): Record<string, string> {
  return { EMBEDDINGS_PROVIDER: "openai", EMBEDDINGS_MODEL: "stand-in", OPENAI_BASE_URL: standIn.baseUrl, OPENAI_API_KEY: "stand-in" };
}

/** The vectors' dimensions: as many as a small model's, so the stores hold what they would. */
export const STAND_IN_DIMENSIONS = 256;

/**
 * Starts the stand-in; each answer waits `latencyMs` first (0: none), as a hosted model's round trip
 * would, to show what requests in flight at once (EMBED_REQUESTS) buy.
 */
export async function startEmbeddingStandIn(latencyMs = 0): Promise<EmbeddingStandIn> {
  let texts = 0;
  let requests = 0;
  let waitedMs = 0;
  let inFlight = 0;
  let since = 0;
  const directions = new Map<string, Float32Array>();
  const directionOf = (word: string): Float32Array => {
    let direction = directions.get(word);
    if (!direction) {
      const digest = createHash("sha256").update(word).digest();
      direction = new Float32Array(STAND_IN_DIMENSIONS);
      // Eight signed coordinates a word: sparse, so unrelated words are nearly orthogonal.
      for (let i = 0; i < 8; i++) {
        const at = digest.readUInt16LE(i * 2) % STAND_IN_DIMENSIONS;
        direction[at] = direction[at]! + (digest[16 + i]! & 1 ? 1 : -1);
      }
      if (directions.size < 200_000) directions.set(word, direction);
    }
    return direction;
  };
  const embed = (text: string): number[] => {
    const sum = new Float32Array(STAND_IN_DIMENSIONS);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? ["empty"]) {
      const direction = directionOf(word);
      for (let i = 0; i < STAND_IN_DIMENSIONS; i++) sum[i]! += direction[i]!;
    }
    const norm = Math.hypot(...sum) || 1;
    return Array.from(sum, (x) => x / norm);
  };
  const server: Server = createServer((request, response) => {
    if (inFlight++ === 0) since = performance.now();
    response.on("close", () => {
      if (--inFlight === 0) waitedMs += performance.now() - since;
    });
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => setTimeout(answer, latencyMs));
    const answer = () => {
      if (request.method !== "POST" || !request.url?.endsWith("/embeddings")) {
        response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const { input, model } = JSON.parse(body) as { input: string | string[]; model: string };
      const inputs = Array.isArray(input) ? input : [input];
      const data = inputs.map((text, index) => ({ object: "embedding", index, embedding: embed(text) }));
      texts += inputs.length;
      requests++;
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ object: "list", data, model, usage: { prompt_tokens: 0, total_tokens: 0 } }));
    };
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    served: () => ({ texts, requests, waitedMs }),
    close: () =>
      new Promise((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}
