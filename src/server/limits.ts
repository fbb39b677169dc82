import { bodyLimit } from "hono/body-limit";
import { getConnInfo } from "@hono/node-server/conninfo";
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

/** Per client address; each route that uses it counts on its own. None when `perMinute` is 0. */
export function rateLimitOf(perMinute: number, what: string) {
  if (perMinute <= 0) return [];
  return [
    rateLimiter({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: "draft-6",
      keyGenerator: (c) => clientAddress(c),
      handler: () => {
        throw new ApiError(429, "rate_limited", `at most ${perMinute} ${what} a minute; slow down`);
      },
    }),
  ];
}

function clientAddress(c: Parameters<Parameters<typeof rateLimiter>[0]["keyGenerator"]>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "local";
  }
}
