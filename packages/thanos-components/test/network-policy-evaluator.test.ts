import { describe, expect, it } from 'vitest';
import { allowed, inCidr, ipNumber, type Policy, selects } from './support/network-policy-evaluator.js';

describe('selects', () => {
  it('matches every matchLabels entry', () => {
    expect(selects({ matchLabels: { a: '1', b: '2' } }, { a: '1', b: '2', c: '3' })).toBe(true);
    expect(selects({ matchLabels: { a: '1', b: '2' } }, { a: '1' })).toBe(false);
    expect(selects({}, { a: '1' })).toBe(true);
  });
  it('evaluates matchExpressions', () => {
    const labels = { tier: 'db', env: 'prod' };
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] }, labels)).toBe(
      true,
    );
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(() => selects({ matchExpressions: [{ key: 'env', operator: 'Like' }] }, labels)).toThrow(/Like/);
  });
});

describe('addresses', () => {
  it('numbers IPv4 addresses', () => {
    expect(ipNumber('0.0.0.1')).toBe(1);
    expect(ipNumber('1.0.0.0')).toBe(2 ** 24);
    expect(ipNumber('10.20.3.4')).toBe(10 * 2 ** 24 + 20 * 2 ** 16 + 3 * 256 + 4);
  });
  it('matches addresses by CIDR', () => {
    expect(inCidr('203.0.113.7', '203.0.113.0/24')).toBe(true);
    expect(inCidr('203.0.114.7', '203.0.113.0/24')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inCidr('10.1.2.3', '10.1.2.3/32')).toBe(true);
    expect(inCidr('10.1.2.4', '10.1.2.3/32')).toBe(false);
  });
});

describe('evaluator', () => {
  const policies: Policy[] = [
    {
      metadata: { name: 'deny', namespace: 'a' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      metadata: { name: 'web', namespace: 'a' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }],
            ports: [{ port: 80 }],
          },
        ],
      },
    },
  ];
  const web = { namespace: 'a', labels: { app: 'web' } };
  it('allows what ingress allows from a non-isolated source, denies the rest', () => {
    expect(allowed(policies, { namespace: 'b', labels: {} }, web, 80)).toBe(true);
    expect(allowed(policies, { namespace: 'b', labels: {} }, web, 81)).toBe(false);
    expect(allowed(policies, { namespace: 'c', labels: {} }, web, 80)).toBe(false);
    expect(allowed(policies, { namespace: 'a', labels: {} }, web, 80)).toBe(false);
  });
  it('needs the egress side too', () => {
    expect(allowed(policies, { namespace: 'a', labels: { app: 'web' } }, { namespace: 'b', labels: {} }, 80)).toBe(
      false,
    );
  });
  it('matches addresses by CIDR', () => {
    expect(inCidr('203.0.113.7', '203.0.113.0/24')).toBe(true);
    expect(inCidr('203.0.114.7', '203.0.113.0/24')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });
});

describe('isolation and rules', () => {
  const a = (labels: Record<string, string>) => ({ namespace: 'a', labels });
  it('allows everything to and from pods no policy selects', () => {
    expect(allowed([], a({}), a({}), 1234)).toBe(true);
    const other: Policy = {
      metadata: { name: 'x', namespace: 'a' },
      spec: { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress', 'Egress'] },
    };
    expect(allowed([other], a({ app: 'y' }), a({ app: 'z' }), 1234)).toBe(true);
    expect(allowed([other], a({ app: 'y' }), a({ app: 'x' }), 1234)).toBe(false);
  });
  it('reads a rule without ports as every port, without peers as every peer, and matches protocols', () => {
    const open: Policy = {
      metadata: { name: 'open', namespace: 'a' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    };
    expect(allowed([open], a({}), a({}), 1)).toBe(true);
    const udp: Policy = {
      metadata: { name: 'udp', namespace: 'a' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] },
    };
    expect(allowed([udp], a({}), a({}), 53, 'UDP')).toBe(true);
    expect(allowed([udp], a({}), a({}), 53, 'TCP')).toBe(false);
  });
  it('matches ipBlock peers with their exceptions, and never pods by them', () => {
    const out: Policy = {
      metadata: { name: 'out', namespace: 'a' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
      },
    };
    expect(allowed([out], a({}), { ip: '10.2.3.4' }, 443)).toBe(true);
    expect(allowed([out], a({}), { ip: '10.1.3.4' }, 443)).toBe(false);
    expect(allowed([out], a({}), a({}), 443)).toBe(false);
  });
  it('without a namespaceSelector, matches pods of the policy namespace only', () => {
    const same: Policy = {
      metadata: { name: 'same', namespace: 'a' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    };
    expect(allowed([same], a({}), a({}), 80)).toBe(true);
    expect(allowed([same], { namespace: 'b', labels: {} }, a({}), 80)).toBe(false);
  });
});
