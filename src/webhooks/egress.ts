// Where a webhook may be sent: public addresses only (src/platform/egress.ts),
// unless private targets are allowed (FINISHLINE_WEBHOOK_ALLOW_PRIVATE=1, for
// on-premises receivers). A URL naming a private address is refused when the
// subscription is saved; a host name is resolved at each delivery and refused
// when any of its addresses is not public.
import { addressRefusal, literalAddress, publicOnlyLookup as guardedLookup, shownAddress } from '../platform/egress.ts';

export { addressRefusal, literalAddress };

export const ALLOW_PRIVATE_SETTING = 'FINISHLINE_WEBHOOK_ALLOW_PRIVATE';

const ALLOW_HINT = `; webhooks go to public addresses only (${ALLOW_PRIVATE_SETTING}=1 allows private ones)`;

/** For a subscription being saved: why its URL may not be used, or null. Host names are checked when delivering. */
export function urlRefusal(raw: string): string | null {
  const address = literalAddress(new URL(raw));
  if (address === null) return null;
  const refusal = addressRefusal(address);
  return refusal === null ? null : `must not point at ${shownAddress(address)}, ${refusal}${ALLOW_HINT}`;
}

/** A delivery refused before connecting: the host is, or resolves to, an address that is not public. */
export class PrivateAddressRefused extends Error {
  readonly code = 'ERR_WEBHOOK_PRIVATE_ADDRESS';
  constructor(host: string, address: string, refusal: string) {
    super(host === address ? `Refused: ${shownAddress(address)} is ${refusal}${ALLOW_HINT}` : `Refused: ${host} resolves to ${shownAddress(address)}, ${refusal}${ALLOW_HINT}`);
    this.name = 'PrivateAddressRefused';
  }
}

/** The `lookup` of a delivery's sockets: a host name with any address that is not public is refused. */
export const publicOnlyLookup = guardedLookup({ refused: (host, address, refusal) => new PrivateAddressRefused(host, address, refusal) });
