import { describe, expect, it } from 'vitest';
import { formatReport } from '../src/report.js';

describe('formatReport', () => {
  it('puts what needs a person first and leaves out empty sections', () => {
    const text = formatReport({
      input: 'bitnami values values.yaml',
      entries: [
        { kind: 'mapped', source: 'query.replicaCount', option: 'query.replicas', detail: '3' },
        { kind: 'needs-person', source: 'objstoreConfig', detail: 'static keys: use the identity options' },
      ],
    });
    expect(text.indexOf('## Needs a person')).toBeLessThan(text.indexOf('## Mapped'));
    expect(text).not.toContain('## Ignored');
    expect(text).toContain('- `query.replicaCount` → `query.replicas`: 3');
  });
});
