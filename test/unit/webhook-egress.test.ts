// Which addresses a webhook may reach: public unicast only; everything else is refused with a reason.
import { describe, expect, it } from 'vitest';
import { addressRefusal, literalAddress, urlRefusal } from '../../src/webhooks/egress.ts';

describe('addressRefusal', () => {
  it('refuses every address that is not public unicast, naming what it is', () => {
    const cases: [string, RegExp][] = [
      ['127.0.0.1', /loopback/],
      ['::1', /loopback/],
      ['10.0.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.168.0.1', /private/],
      ['169.254.169.254', /link-local/],
      ['fe80::1', /link-local/],
      ['fd00:ec2::254', /unique-local/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['224.0.0.251', /multicast/],
      ['ff02::1', /multicast/],
      ['0.0.0.0', /unspecified/],
      ['::', /unspecified/],
      ['255.255.255.255', /broadcast/],
      ['::ffff:127.0.0.1', /loopback/],
      ['::ffff:10.1.2.3', /private/],
      ['64:ff9b::a00:1', /special-purpose/],
      ['2002:7f00:1::1', /special-purpose/],
      ['::7f00:1', /IPv4-compatible/],
      ['::a9fe:a9fe', /IPv4-compatible/],
      ['::808:808', /IPv4-compatible/],
      ['100::1', /special-purpose/],
      ['2001::1', /special-purpose/],
      ['2001:db8::1', /special-purpose/],
      ['3fff::1', /special-purpose/],
      ['5f00::1', /special-purpose/],
      ['64:ff9b:1::1', /special-purpose/],
      ['4000::1', /special-purpose/],
      ['192.0.0.8', /special-purpose/],
      ['192.0.2.1', /special-purpose/],
      ['192.88.99.1', /special-purpose/],
      ['198.18.0.1', /special-purpose/],
      ['203.0.113.9', /special-purpose/],
      ['240.0.0.1', /special-purpose/],
      ['192.31.196.1', /special-purpose/],
      ['192.52.193.1', /special-purpose/],
    ];
    for (const [address, reason] of cases) expect(addressRefusal(address), address).toMatch(reason);
  });

  it('lets public addresses through', () => {
    for (const address of ['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(addressRefusal(address), address).toBeNull();
  });
});

describe('urlRefusal', () => {
  it('judges the literal address of a URL, however the URL spells it, and leaves host names to delivery', () => {
    expect(urlRefusal('http://2130706433/x')).toMatch(/127\.0\.0\.1, a loopback address/);
    expect(urlRefusal('http://0x7f.1/x')).toMatch(/loopback/);
    expect(urlRefusal('http://[::1]:8080/x')).toMatch(/::1, a loopback address/);
    expect(urlRefusal('https://example.com/hooks')).toBeNull();
    expect(urlRefusal('https://8.8.8.8/hooks')).toBeNull();
    expect(literalAddress(new URL('http://[fe80::1]/'))).toBe('fe80::1');
    expect(literalAddress(new URL('http://localhost/'))).toBeNull();
  });
});
