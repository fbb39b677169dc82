import { BlockList, isIP } from "node:net";
import type { MiddlewareHandler } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";

declare module "hono" {
  interface ContextVariableMap {
    /** Who sent the request, for rate limits: the socket's peer, or behind a trusted proxy the address it forwarded. */
    clientAddress: string;
  }
}

/** TRUST_PROXY's addresses and CIDR ranges (already validated by the settings); undefined when none is set. */
export function trustedProxies(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/") as [string, string | undefined];
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/**
 * The client's address: the socket's peer, unless the peer is a trusted proxy; then X-Forwarded-For read
 * from the right (each proxy appends the address it was reached from), skipping trusted proxies, so the
 * first untrusted address is the one no proxy of ours can have been told by the client. An entry that is
 * not an address ends the walk at the last trusted hop: whatever lies beyond it cannot be believed.
 */
export function clientAddressOf(peer: string, forwardedFor: string | undefined, trusted: BlockList | undefined): string {
  let client = unmapped(peer);
  if (!trusted || !isTrusted(client, trusted) || !forwardedFor) return client;
  const hops = forwardedFor
    .split(",")
    .map((hop) => unmapped(hop.trim()))
    .reverse();
  for (const hop of hops) {
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return client;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** A dual-stack socket reports IPv4 peers as `::ffff:a.b.c.d`: the IPv4 form is the one people write in TRUST_PROXY. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Notes each request's client address for what follows (rate limits). */
export function clientAddress(trusted: BlockList | undefined): MiddlewareHandler {
  return async (c, next) => {
    c.set("clientAddress", clientAddressOf(peerOf(c), c.req.header("x-forwarded-for"), trusted));
    await next();
  };
}

function peerOf(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // No socket: a request made in process (`app.request`).
    return "local";
  }
}
