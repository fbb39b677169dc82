import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.js";

/**
 * Lets a request through only with `Authorization: Bearer <token>`. With no token configured, writes are
 * turned off for everyone: 403, not 401, since no credential would help.
 */
export function requireAdminToken(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : Buffer.from(token);
  return async (c, next) => {
    if (!expected) throw new ApiError(403, "uploads_disabled", "adding and deleting documents is turned off on this server (no ADMIN_TOKEN is set)");
    const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!given || !sameSecret(Buffer.from(given), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="documents"');
      throw new ApiError(401, "unauthorized", given ? "the admin token is wrong" : "adding and deleting documents needs the admin token (Authorization: Bearer <token>)");
    }
    await next();
  };
}

/** Compares in time that does not depend on where the two differ. */
function sameSecret(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
