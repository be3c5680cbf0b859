// Where the server itself may connect when a business names the address (a
// webhook's receiver, a single sign-on provider): public addresses only. A URL
// naming a non-public address is refused outright; a host name is resolved when
// connecting, and the connection goes to the very addresses that were checked —
// none of them private — so a name that changes its answer between the check and
// the connection (DNS rebinding) gains nothing.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

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

/** IPv6 global unicast: every IPv6 address the server may reach lies inside it (IANA's special-purpose ranges within it are refused by name). */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Why the server may not connect to this IP address, or null when it may: every
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

/** Whether the address is a loopback one (127.0.0.0/8, ::1, or one mapped into IPv6). */
export function isLoopback(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

/** The IP address a URL's host names literally (without IPv6 brackets), or null for a host name. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) !== 0 ? host : null;
}

/** The address as written, with the IPv4 address inside an IPv4-mapped one. */
export function shownAddress(address: string): string {
  const inner = ipaddr.process(address).toString();
  return inner === address ? address : `${address} (${inner})`;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export interface LookupRules {
  /** The error a refused host name fails with. */
  refused: (host: string, address: string, refusal: string) => Error;
  /** An address let through although not public (tests reaching a local server). */
  allow?: (address: string) => boolean;
}

/**
 * A `lookup` for the sockets of a connection: resolves the host name itself and
 * refuses it when ANY of its addresses is not public; otherwise hands the
 * checked addresses to the connection, so it cannot go anywhere else.
 */
export function publicOnlyLookup(rules: LookupRules): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number; hints?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { family: options.family ?? 0, hints: options.hints, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      for (const { address } of addresses) {
        const refusal = rules.allow?.(address) ? null : addressRefusal(address);
        if (refusal !== null) return callback(rules.refused(hostname, address, refusal), []);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as unknown as LookupFunction;
}

/** What a guarded fetch is asked: the parts of a fetch's options it takes (a body of any kind fetch takes). */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: unknown;
  signal?: AbortSignal | null;
}

/** The most of an answer a guarded fetch reads (discovery documents and key sets are a few kilobytes). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * A fetch for libraries that take one (openid-client does) whose connections go
 * only where the rules allow: a literal address is judged before connecting, a
 * host name by the lookup above. A redirect is never followed: it is the answer,
 * so nothing is reached by way of it. Answers over a megabyte are cut off.
 */
export function guardedFetch(rules: LookupRules): (url: string, init?: FetchInit) => Promise<Response> {
  const lookup = publicOnlyLookup(rules);
  return async (url, init = {}) => {
    const outgoing = new Request(url, { method: init.method, headers: init.headers, body: init.body as BodyInit | null | undefined, redirect: 'manual' });
    const target = new URL(outgoing.url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`${target.protocol} addresses are not fetched`);
    const literal = literalAddress(target);
    const refusal = literal === null || rules.allow?.(literal) ? null : addressRefusal(literal);
    if (literal !== null && refusal !== null) throw rules.refused(literal, literal, refusal);
    const body = outgoing.body ? Buffer.from(await outgoing.arrayBuffer()) : undefined;
    const headers: Record<string, string> = Object.fromEntries(outgoing.headers);
    if (body) headers['content-length'] = String(body.length);
    return new Promise<Response>((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(target, { method: outgoing.method, headers, lookup, signal: init.signal ?? undefined }, (answer) => {
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) answer.destroy(new Error(`the answer from ${target.host} is over ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        answer.on('error', reject);
        answer.on('end', () => {
          const status = answer.statusCode ?? 502;
          const answerHeaders = new Headers();
          for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) answerHeaders.append(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
          const empty = [204, 205, 304].includes(status) || outgoing.method === 'HEAD';
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: answer.statusMessage, headers: answerHeaders }));
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  };
}
