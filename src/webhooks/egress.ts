// Where a webhook may be sent: public addresses only, unless private targets
// are allowed (FINISHLINE_WEBHOOK_ALLOW_PRIVATE=1, for on-premises receivers).
// A URL naming a private address is refused when the subscription is saved; a
// host name is resolved at each delivery, and the connection goes to the very
// addresses that were checked — none of them private — so a name that changes
// its answer between the check and the connection (DNS rebinding) gains nothing.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export const ALLOW_PRIVATE_SETTING = 'FINISHLINE_WEBHOOK_ALLOW_PRIVATE';

const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  linkLocal: 'a link-local address (where cloud metadata services answer)',
  uniqueLocal: 'a unique-local (private) IPv6 address',
  carrierGradeNat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  unspecified: 'the unspecified address',
};

/** IPv6 global unicast: every IPv6 address a delivery may reach lies inside it (IANA's special-purpose ranges within it are refused by name). */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Why a delivery may not go to this IP address, or null when it may: every
 * address that is not public unicast is refused — loopback, private, link-local
 * (169.254.169.254), unique-local, carrier-grade NAT, multicast, unspecified,
 * and every other range of IANA's special-purpose registries (documentation,
 * benchmarking, translation, Teredo, 6to4, AS112, …) — and an IPv4-mapped IPv6
 * address is judged by the IPv4 address inside it. An IPv6 address outside
 * 2000::/3 is refused too, among them the deprecated IPv4-compatible ::/96
 * (`::127.0.0.1`), which some stacks still route to the IPv4 address inside.
 */
export function addressRefusal(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range !== 'unicast') return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6)) {
    const ipv4Compatible = (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0);
    return ipv4Compatible ? 'an IPv4-compatible IPv6 address (::/96)' : 'a special-purpose address (outside IPv6 global unicast, 2000::/3)';
  }
  return null;
}

/** The IP address a URL's host names literally (without IPv6 brackets), or null for a host name. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) !== 0 ? host : null;
}

const ALLOW_HINT = `; webhooks go to public addresses only (${ALLOW_PRIVATE_SETTING}=1 allows private ones)`;

/** For a subscription being saved: why its URL may not be used, or null. Host names are checked when delivering. */
export function urlRefusal(raw: string): string | null {
  const address = literalAddress(new URL(raw));
  if (address === null) return null;
  const refusal = addressRefusal(address);
  return refusal === null ? null : `must not point at ${shown(address)}, ${refusal}${ALLOW_HINT}`;
}

/** The address as written, with the IPv4 address inside an IPv4-mapped one. */
function shown(address: string): string {
  const inner = ipaddr.process(address).toString();
  return inner === address ? address : `${address} (${inner})`;
}

/** A delivery refused before connecting: the host is, or resolves to, an address that is not public. */
export class PrivateAddressRefused extends Error {
  readonly code = 'ERR_WEBHOOK_PRIVATE_ADDRESS';
  constructor(host: string, address: string, refusal: string) {
    super(host === address ? `Refused: ${shown(address)} is ${refusal}${ALLOW_HINT}` : `Refused: ${host} resolves to ${shown(address)}, ${refusal}${ALLOW_HINT}`);
    this.name = 'PrivateAddressRefused';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the sockets of a delivery: resolves the host name itself and
 * refuses it when ANY of its addresses is not public; otherwise hands the
 * checked addresses to the connection, so it cannot go anywhere else.
 */
export const publicOnlyLookup = ((hostname: string, options: { all?: boolean; family?: number; hints?: number }, callback: LookupCallback) => {
  dnsLookup(hostname, { family: options.family ?? 0, hints: options.hints, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    for (const { address } of addresses) {
      const refusal = addressRefusal(address);
      if (refusal !== null) return callback(new PrivateAddressRefused(hostname, address, refusal), []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as unknown as LookupFunction;
