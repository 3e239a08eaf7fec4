/**
 * Request limits of the read path (issue #23): what one Series request to a StoreAPI may return, and what Query
 * runs at once. Unset values come from the `size` preset (`REQUEST_LIMIT_PRESETS`, shown in the preset table).
 */
import { Type } from '@sinclair/typebox';
import { Obj } from './common.js';

const Count = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description }));

const seriesAndSamples = {
  requestSeries: Count(
    'Most series one Series request may return (`--store.limits.request-series`); 0 means no limit. Unset: the ' +
      '`size` preset.',
  ),
  requestSamples: Count(
    'Most samples one Series request may return (`--store.limits.request-samples`; Thanos counts whole chunks of ' +
      '120 samples); 0 means no limit. Unset: the `size` preset.',
  ),
};

export const StoreRequestLimits = Obj(
  seriesAndSamples,
  'Limits of one Series request to the store gateways: a query touching more fails instead of exhausting their ' +
    'memory.',
  { default: {} },
);

export const QueryRequestLimits = Obj(
  {
    ...seriesAndSamples,
    maxConcurrent: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        description:
          'Queries one Query pod runs at once (`--query.max-concurrent`); more wait. Unset: the `size` preset.',
      }),
    ),
    maxConcurrentSelect: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description:
          'Select requests one query runs at once (`--query.max-concurrent-select`). Unset: the `size` preset.',
      }),
    ),
  },
  "Query's limits: what one query may fetch from each StoreAPI (`--store.limits.*` on Query) and how many run " +
    'at once.',
  { default: {} },
);
