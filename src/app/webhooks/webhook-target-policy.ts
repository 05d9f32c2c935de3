import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhook deliveries may go (SSRF guard). Loopback, link-local (cloud metadata lives at
 * 169.254.169.254), private, shared (CGNAT), multicast, reserved and unspecified addresses are refused
 * unless the operator allows them (`--webhook-allow` / REMIT_WEBHOOK_ALLOW: host names, addresses, CIDRs).
 * It is checked when a URL is subscribed and again at every delivery, on the addresses DNS gives then
 * (the connection uses exactly the addresses that were checked, so DNS rebinding cannot slip between).
 */
// (BlockList applies the IPv4 rules to IPv4-mapped IPv6 addresses too, e.g. ::ffff:127.0.0.1.)
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. the unspecified 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // shared address space (CGNAT; 100.100.100.200 is a cloud metadata address)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. 169.254.169.254 metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Lookup = (hostname: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback) => void;
type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true } satisfies LookupAllOptions, (e, addresses) => (e ? reject(e) : resolve(addresses))),
  );

export class TargetNotAllowedError extends Error {
  override readonly name = 'TargetNotAllowedError';
  readonly code = 'ETARGETNOTALLOWED';
}

export class WebhookTargetPolicy {
  private readonly allowedHosts = new Set<string>();
  private readonly allowedAddresses = new BlockList();
  private readonly resolve: Resolve;

  /** `allow`: host names (exact, any case), IP addresses and CIDRs ("10.1.0.0/16", "fd00::/8"). */
  constructor(allow: readonly string[] = [], resolve: Resolve = systemResolve) {
    this.resolve = resolve;
    for (const entry of allow.map((a) => a.trim()).filter(Boolean)) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address!);
      if (family === 0) this.allowedHosts.add(entry.toLowerCase());
      else if (prefix === undefined) this.allowedAddresses.addAddress(address!, family === 4 ? 'ipv4' : 'ipv6');
      else this.allowedAddresses.addSubnet(address!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** Whether a resolved address may be contacted. */
  addressAllowed(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    return this.allowedAddresses.check(address, type) || !BLOCKED.check(address, type);
  }

  /**
   * Why `url` may not be a webhook target, or null when it may. A name that does not resolve now is
   * not refused here (DNS may change); every delivery checks again.
   */
  async refusal(url: string): Promise<string | null> {
    const host = hostOf(url);
    if (this.allowedHosts.has(host)) return null;
    if (isIP(host)) return this.addressAllowed(host) ? null : `${host} is a loopback, private, link-local or reserved address`;
    let addresses: readonly LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch {
      return null;
    }
    const blocked = addresses.find((a) => !this.addressAllowed(a.address));
    return blocked ? `${host} resolves to ${blocked.address}, a loopback, private, link-local or reserved address` : null;
  }

  /**
   * The DNS lookup for one delivery to `url` (node:http's `lookup` option): resolves, refuses the whole
   * host if any address is not allowed, and hands the socket only addresses that passed. An IP literal
   * never reaches a lookup function, so `literalRefusal` covers it.
   */
  lookupFor(url: string): Lookup {
    const trusted = this.allowedHosts.has(hostOf(url));
    return (hostname, options, callback) => {
      this.resolve(hostname).then(
        (addresses) => {
          const family = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
          const usable = addresses.filter((a) => family === 0 || a.family === family);
          if (!trusted && usable.some((a) => !this.addressAllowed(a.address))) {
            callback(new TargetNotAllowedError(`${hostname} resolves to an address that is not allowed`), []);
          } else if (usable.length === 0) {
            callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
          } else if (options.all) callback(null, [...usable]);
          else callback(null, usable[0]!.address, usable[0]!.family);
        },
        (e: NodeJS.ErrnoException) => callback(e, []),
      );
    };
  }

  /** For a URL whose host is an IP literal: why it may not be contacted, or null. */
  literalRefusal(url: string): string | null {
    const host = hostOf(url);
    if (!isIP(host) || this.allowedHosts.has(host)) return null;
    return this.addressAllowed(host) ? null : `${host} is not an allowed address`;
  }
}

/** The URL's host without IPv6 brackets, lower case. */
const hostOf = (url: string): string => new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/** `--webhook-allow` / REMIT_WEBHOOK_ALLOW: comma-separated host names, addresses and CIDRs. */
export const parseWebhookAllow = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
