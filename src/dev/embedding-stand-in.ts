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
  /** How many texts it has embedded, and the milliseconds it spent answering, so far. */
  served(): { texts: number; requests: number; busyMs: number };
  close(): Promise<void>;
}

/** The vectors' dimensions: as many as a small model's, so the stores hold what they would. */
export const STAND_IN_DIMENSIONS = 256;

export async function startEmbeddingStandIn(): Promise<EmbeddingStandIn> {
  let texts = 0;
  let requests = 0;
  let busyMs = 0;
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
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const started = performance.now();
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
      busyMs += performance.now() - started;
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    served: () => ({ texts, requests, busyMs }),
    close: () =>
      new Promise((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}
