/** How long each step of a StatefulSet roll waits for Query to find the new pod (`QUERY_DISCOVERY_SECONDS`). */
import { describe, expect, it } from 'vitest';
import { QUERY_DISCOVERY_SECONDS } from '../src/rollout.js';
import { find, render } from './support/render.js';

describe('rolling the StatefulSets Query reads from', () => {
  it('waits the DNS SD interval, an endpoint update and the record TTL: 40 s', () => {
    expect(QUERY_DISCOVERY_SECONDS).toBe(40);
  });

  it('holds each step of the store gateways and the stateful ruler that long', () => {
    const r = render('ruler: { enabled: true, mode: stateful }\n');
    expect(find(r, 'StatefulSet', 'thanos-store-0').spec.minReadySeconds).toBe(40);
    expect(find(r, 'StatefulSet', 'thanos-rule').spec.minReadySeconds).toBe(40);
  });
});
