/** The `bucketWeb` section: the bucket inspection UI. */
import { Type } from '@sinclair/typebox';
import { Duration, LABEL_NAME, Obj, Replicas, withDefault, workloadOptions } from './common.js';

export const BucketWeb = Obj(
  {
    enabled: Type.Boolean(withDefault({ default: false, description: 'Deploy the bucket web UI.' })),
    replicas: Replicas('Number of pods.', 1),
    refresh: Duration(
      'How often block metadata is downloaded from the bucket (`--refresh`); at least twice `timeout`.',
      '30m',
    ),
    timeout: Duration('Timeout of one metadata download (`--timeout`); longer than 0.', '5m'),
    label: Type.Optional(
      Type.String({
        pattern: LABEL_NAME,
        description:
          'External block label whose value titles the block groups in the UI (`--label`). Default: ' +
          '`receive.tenantLabel` when receive is enabled, else none.',
      }),
    ),
    ...workloadOptions,
  },
  'Thanos bucket web (`thanos tools bucket web`): browse the blocks in the bucket, read-only (admin ' +
    'operations such as marking blocks for deletion are disabled).',
  { default: {} },
);
