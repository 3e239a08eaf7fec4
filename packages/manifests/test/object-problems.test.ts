import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it, vi } from 'vitest';
import { conventionalOrder, objectProblems, toPlain, yamlText } from '../src/index.js';

const data = (name: string) => ({
  metadata: { name, labels: { app: name } },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
});

const bodyOf = (o: object) => yamlText(conventionalOrder(toPlain(o)));

describe('objectProblems with the YAML body of the object', () => {
  it('checks an object identical to one found valid only once', () => {
    const validate = vi.spyOn(Deployment.prototype, 'validate');
    try {
      const a = new Deployment(data('cached-a'));
      const b = new Deployment(data('cached-a'));
      expect(objectProblems(a, toPlain(a), bodyOf(a))).toEqual([]);
      expect(objectProblems(b, toPlain(b), bodyOf(b))).toEqual([]);
      expect(validate).toHaveBeenCalledTimes(1);
      // Another object, or no body: checked.
      const c = new Deployment(data('cached-c'));
      expect(objectProblems(c, toPlain(c), bodyOf(c))).toEqual([]);
      expect(objectProblems(b)).toEqual([]);
      expect(validate).toHaveBeenCalledTimes(3);
    } finally {
      validate.mockRestore();
    }
  });

  it('reports the same problems every time for an invalid object, and for a plain object with a valid body', () => {
    const bad = new Deployment({ ...data('Bad_Name'), spec: { replicas: 'two' } as never });
    const first = objectProblems(bad, toPlain(bad), bodyOf(bad));
    expect(first.length).toBeGreaterThan(1);
    expect(objectProblems(bad, toPlain(bad), bodyOf(bad))).toEqual(first);
    expect(objectProblems(bad)).toEqual(first);

    const good = new Deployment(data('plain-twin'));
    expect(objectProblems(good, toPlain(good), bodyOf(good))).toEqual([]);
    // The same YAML, but not a kubernetes-models object: not taken for the valid one.
    const twin = toPlain(good) as never;
    expect(objectProblems(twin, toPlain(twin), bodyOf(twin))).toEqual([
      'Deployment plain-twin: not a kubernetes-models object, so not schema-checked',
    ]);
  });
});
