import { describe, expect, it } from "vitest";
import { clientAddressOf, trustedProxies } from "../src/server/client-address.js";
import { loadConfig } from "../src/config.js";

const proxies = trustedProxies(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

describe("the client address behind TRUST_PROXY", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf("203.0.113.7", "198.51.100.1", undefined)).toBe("203.0.113.7");
    expect(clientAddressOf("::ffff:203.0.113.7", undefined, undefined)).toBe("203.0.113.7");
  });

  it("is the socket's peer when the peer is not a trusted proxy", () => {
    expect(clientAddressOf("203.0.113.7", "198.51.100.1", proxies)).toBe("203.0.113.7");
  });

  it("is the right-most forwarded address that is not a trusted proxy, when the peer is one", () => {
    expect(clientAddressOf("127.0.0.1", "198.51.100.1", proxies)).toBe("198.51.100.1");
    // The left-most entry is whatever the client claimed: only the hops our proxies appended count.
    expect(clientAddressOf("10.1.2.3", "192.0.2.66, 198.51.100.1, 10.9.9.9", proxies)).toBe("198.51.100.1");
    expect(clientAddressOf("::ffff:127.0.0.1", "2001:db8::5, fd12::1", proxies)).toBe("2001:db8::5");
    expect(clientAddressOf("fd00::2", "198.51.100.1", proxies)).toBe("198.51.100.1");
  });

  it("stops at the last trusted hop when every hop is trusted, or an entry is not an address", () => {
    expect(clientAddressOf("127.0.0.1", "10.0.0.5, 10.0.0.6", proxies)).toBe("10.0.0.5");
    expect(clientAddressOf("127.0.0.1", "198.51.100.1, not-an-address, 10.0.0.6", proxies)).toBe("10.0.0.6");
    expect(clientAddressOf("127.0.0.1", "", proxies)).toBe("127.0.0.1");
  });

  it("is a setting of addresses and CIDR ranges, checked at start", () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: " 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8" }).trustProxy).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
      "::1",
      "fd00::/8",
    ]);
    for (const bad of ["localhost", "10.0.0.0/33", "fd00::/129", "10.0.0.1/8/2", "300.1.1.1"]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: must be a comma-separated list/);
    }
  });
});
