import { bodyLimit } from "hono/body-limit";
import { rateLimiter } from "hono-rate-limiter";
import { ApiError } from "./errors.js";

/** A body over `maxSize` bytes answers 413 before it is read. */
export function bodyLimitOf(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `the request body must be at most ${maxSize / 1024} KiB`);
    },
  });
}

/** Per API key when the request has one, else per client address; each route that uses it counts on its own. None when `perMinute` is 0. */
export function rateLimitOf(perMinute: number, what: string) {
  if (perMinute <= 0) return [];
  return [
    rateLimiter({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: "draft-6",
      // Both set by the app's first middlewares: the key's name, and the address (behind TRUST_PROXY, the forwarded one).
      keyGenerator: (c) => (c.get("apiKey") ? `key:${c.get("apiKey")}` : `address:${c.get("clientAddress") ?? "local"}`),
      handler: () => {
        throw new ApiError(429, "rate_limited", `at most ${perMinute} ${what} a minute; slow down`);
      },
    }),
  ];
}
