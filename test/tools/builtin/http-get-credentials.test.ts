/**
 * Container credential endpoints (ECS task roles at 169.254.170.2, EKS pod identity at
 * 169.254.170.23 and fd00:ec2::23) are cloud metadata: refused even with `allowPrivate`, in
 * every form that reaches them (IPv4-mapped, NAT64 in the well-known and the local-use prefix,
 * 6to4, odd IPv4 notations, a DNS name, a DNS answer that changes between check and connect).
 * The NAT64 local-use prefix 64:ff9b:1::/48 is checked on the IPv4 address it embeds.
 */
import {
  classifyAddress,
  type FetchLike,
  httpGetTool,
  type LookupAll,
} from '@agentloop/tools/builtin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer, toolContext } from './local-server.js';

describe('classifyAddress: container credential endpoints are cloud metadata', () => {
  it.each([
    // ECS task role credentials (and task metadata v2).
    '169.254.170.2',
    '::ffff:169.254.170.2',
    '::ffff:a9fe:aa02',
    '::ffff:0:a9fe:aa02',
    '::169.254.170.2',
    '64:ff9b::a9fe:aa02',
    '64:ff9b::169.254.170.2',
    '2002:a9fe:aa02::1',
    // EKS pod identity agent.
    '169.254.170.23',
    '::ffff:169.254.170.23',
    '64:ff9b::a9fe:aa17',
    'fd00:ec2::23',
    'fd00:0ec2:0000:0000:0000:0000:0000:0023',
    '[fd00:ec2::23]',
    // The NAT64 local-use prefix, with the IPv4 address where each prefix length puts it
    // (RFC 6052: /48, /56, /64 skip the reserved byte 8; /96 is the last 32 bits).
    '64:ff9b:1::a9fe:aa02',
    '64:ff9b:1::169.254.170.2',
    '64:ff9b:1:a9fe:aa:200::',
    '64:ff9b:1:a9:fe:aa02::',
    '64:ff9b:1:0:a9:feaa:200:0',
    '64:ff9b:1:ffff::a9fe:aa17',
    '64:ff9b:1::a9fe:a9fe',
  ])('%s', (address) => {
    expect(classifyAddress(address)).toBe('cloud-metadata');
  });

  it('other local-use NAT64 addresses stay private, neighbours of the endpoints link-local', () => {
    expect(classifyAddress('64:ff9b:1::808:808')).toBe('private');
    expect(classifyAddress('64:ff9b:1::a00:1')).toBe('private');
    expect(classifyAddress('169.254.170.3')).toBe('link-local');
    expect(classifyAddress('fd00:ec2::24')).toBe('private');
    expect(classifyAddress('64:ff9b::808:808')).toBeUndefined();
  });
});

/** A resolver from a table; no network. */
const lookupFrom =
  (table: Record<string, string[]>): LookupAll =>
  async (hostname) =>
    (table[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));

describe('httpGetTool({ allowPrivate: true }) never fetches a credential endpoint', () => {
  const calls: string[] = [];
  const fetch: FetchLike = async (url) => {
    calls.push(url);
    return new Response('{"AccessKeyId":"leaked"}', { status: 200 });
  };
  const tool = httpGetTool({
    allow: ['*'],
    allowPrivate: true,
    fetch,
    lookup: lookupFrom({
      'ecs.example.test': ['169.254.170.2'],
      'eks.example.test': ['fd00:ec2::23'],
      'mapped.example.test': ['::ffff:169.254.170.23'],
      'nat64.example.test': ['64:ff9b:1::a9fe:aa02'],
    }),
  });

  it.each([
    'http://169.254.170.2/v2/credentials/abc',
    'http://169.254.170.23/v1/credentials',
    'http://[fd00:ec2::23]/v1/credentials',
    'http://[::ffff:169.254.170.2]/v2/credentials',
    'http://[::ffff:a9fe:aa17]/v1/credentials',
    'http://[64:ff9b::a9fe:aa02]/v2/credentials',
    'http://[64:ff9b:1::a9fe:aa02]/v2/credentials',
    'http://[64:ff9b:1:a9fe:aa:200::]/v2/credentials',
    'http://[2002:a9fe:aa02::]/v2/credentials',
    // Odd IPv4 notations, which the URL parser turns into 169.254.170.2 and .23.
    'http://2852039170/v2/credentials',
    'http://0xa9feaa17/v1/credentials',
    'http://0xa9.0xfe.0xaa.0x2/v2/credentials',
    'http://0251.0376.0252.02/v2/credentials',
    'http://169.254.43522/v2/credentials',
    'http://169.16689687/v1/credentials',
    'http://ecs.example.test/v2/credentials',
    'http://eks.example.test/v1/credentials',
    'http://mapped.example.test/v1/credentials',
    'http://nat64.example.test/v2/credentials',
  ])('%s', async (url) => {
    calls.length = 0;
    const error = await Promise.resolve(tool.execute({ url }, toolContext())).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'blocked_url',
      message: expect.stringMatching(/a cloud metadata endpoint, which is always refused/),
    });
    expect(calls).toEqual([]);
  });
});

describe('the guarded transport refuses a credential endpoint the name turns to after the check', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((_req, res) => res.end('local'));
  });
  afterAll(() => server.close());

  it.each([['169.254.170.2'], ['fd00:ec2::23'], ['64:ff9b:1::a9fe:aa17']])(
    'a second answer adding %s',
    async (metadata) => {
      // The check sees only the loopback test server; the connection's own lookup then also
      // gets the credential endpoint (listed second, so a transport that missed it would
      // connect to the local server, and never beyond 127.0.0.1).
      let lookups = 0;
      const lookup: LookupAll = async () => {
        lookups += 1;
        return lookups === 1
          ? [{ address: '127.0.0.1', family: 4 }]
          : [
              { address: '127.0.0.1', family: 4 },
              { address: metadata, family: metadata.includes(':') ? 6 : 4 },
            ];
      };
      const tool = httpGetTool({ allow: ['rebind.test'], allowPrivate: true, lookup });
      const error = await Promise.resolve(
        tool.execute({ url: `http://rebind.test:${server.port}/creds` }, toolContext()),
      ).catch((e: unknown) => e);
      expect(lookups).toBe(2);
      expect(server.requests).toEqual([]);
      expect(error).toMatchObject({
        code: 'blocked_url',
        message: expect.stringMatching(/cloud metadata endpoint, which is always refused/),
      });
    },
  );
});
