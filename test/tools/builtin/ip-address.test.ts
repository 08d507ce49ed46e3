import { classifyAddress } from '@agentloop/tools/builtin';
import { describe, expect, it } from 'vitest';
import {
  isHostAllowed,
  parseAllowlist,
} from '../../../packages/tools/src/builtin/http-get/host-allowlist.js';
import { classifyHostname } from '../../../packages/tools/src/builtin/http-get/ip-address.js';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', undefined],
    ['93.184.216.34', undefined],
    ['172.32.0.1', undefined],
    ['2606:4700:4700::1111', undefined],
    ['::ffff:8.8.8.8', undefined],
    ['64:ff9b::808:808', undefined],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['::ffff:10.1.2.3', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'cloud-metadata'],
    ['::ffff:169.254.169.254', 'cloud-metadata'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['not an address', 'reserved'],
  ])('%s → %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it('names localhost and metadata services before any lookup', () => {
    expect(classifyHostname('localhost')).toBe('loopback');
    expect(classifyHostname('api.localhost')).toBe('loopback');
    expect(classifyHostname('metadata.google.internal')).toBe('cloud-metadata');
    expect(classifyHostname('example.com')).toBeUndefined();
  });
});

describe('allowlist', () => {
  const list = parseAllowlist('httpGetTool', [
    'Example.com',
    '*.wikipedia.org',
    '203.0.113.7',
    '::1',
    'bücher.de',
  ]);

  it.each([
    ['example.com', true],
    ['en.wikipedia.org', true],
    ['a.b.wikipedia.org', true],
    ['wikipedia.org', false],
    ['notexample.com', false],
    ['example.com.evil.net', false],
    ['evilwikipedia.org', false],
    ['www.example.com', false],
    ['203.0.113.7', true],
    ['[::1]', true],
    ['xn--bcher-kva.de', true],
  ])('%s → %s', (host, allowed) => {
    expect(isHostAllowed(list, host)).toBe(allowed);
  });

  it('"*" allows any host', () => {
    expect(isHostAllowed(parseAllowlist('f', ['*']), 'anything.example')).toBe(true);
  });

  it.each([
    [[]],
    [['https://example.com']],
    [['example.com:8080']],
    [['example.com/path']],
    [['']],
    [[42]],
    [['a*b.com']],
  ])('refuses %j at creation', (allow) => {
    expect(() => parseAllowlist('httpGetTool', allow)).toThrow(
      /Invalid options for httpGetTool\(\)/,
    );
  });
});
