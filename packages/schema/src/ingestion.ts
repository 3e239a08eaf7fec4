/**
 * Ingestion settings of Thanos Receive (issue #23): out-of-order and future windows of the ingestors' TSDB, the
 * routers' replication and forwarding, the split-tenant label, OTLP, and what Thanos' hashrings file allows per
 * hashring. Spread into `receive` and into each of its `hashrings`.
 */
import { Type } from '@sinclair/typebox';
import { Duration, LABEL_NAME, Obj, withDefault } from './common.js';

/** The options of `receive` that shape ingestion. */
export const ingestionOptions = {
  outOfOrderTimeWindow: Duration(
    'How far behind the newest sample of a series an ingestor still accepts samples ' +
      "(`--tsdb.out-of-order.time-window` on the ingestors; Thanos' default `0s` refuses every out-of-order " +
      'sample). Blocks holding out-of-order samples overlap others, so the compactor then also gets ' +
      '`--compact.enable-vertical-compaction` (already on when it deduplicates). Written only when longer than 0.',
    '0s',
  ),
  outOfOrderCapMax: Type.Integer(
    withDefault({
      minimum: 1,
      maximum: 255,
      default: 32,
      description:
        'Most samples in one out-of-order chunk (`--tsdb.out-of-order.cap-max` on the ingestors), written only ' +
        "with an `outOfOrderTimeWindow` longer than 0. Thanos' default is 32.",
    }),
  ),
  tooFarInFutureTimeWindow: Duration(
    'How far ahead of the ingestor clock a sample may be (`--tsdb.too-far-in-future.time-window` on the ' +
      'ingestors); later samples are refused. `0s` (Thanos default) accepts any; written only when longer than 0.',
    '0s',
  ),
  replicationProtocol: Type.Union(
    [Type.Literal('protobuf'), Type.Literal('capnproto')],
    withDefault({
      default: 'protobuf',
      description:
        'How routers forward writes to ingestors (`--receive.replication-protocol`). `protobuf`: gRPC on port ' +
        "10901, with the internal mTLS when it is on. `capnproto`: Cap'n Proto on port 19391, cheaper to encode; " +
        'each ingestor then listens on 0.0.0.0:19391 (the NetworkPolicies allow the routers only), while with ' +
        "protobuf that unused server is bound to 127.0.0.1. Thanos has no TLS for Cap'n Proto, so `capnproto` is " +
        'refused with `remoteWrite.mtls.internal`: every listener that carries writes is authenticated.',
    }),
  ),
  forwardTimeout: Duration(
    'How long a router waits for ingestors to take a forwarded write (`--receive-forward-timeout`); longer ' +
      "than 0. Thanos' default `5s` is not written.",
    '5s',
  ),
  forwardAsyncWorkers: Type.Integer(
    withDefault({
      minimum: 1,
      maximum: 1000,
      default: 5,
      description:
        'Workers per router that forward remote-write requests to ingestors (`--receive.forward.async-workers`). ' +
        "Thanos' default 5 is not written.",
    }),
  ),
  splitTenantLabel: Type.Optional(
    Type.String({
      pattern: LABEL_NAME,
      description:
        'Label whose value is the tenant of each series (`--receive.split-tenant-label-name` on the routers): ' +
        'one request is split into its tenants, taking precedence over the tenant header. Not with ' +
        "`remoteWrite.mtls.tenantFromCertificate` (the certificate's tenant is what the writer may write). Unset: off.",
    }),
  ),
  otlp: Obj(
    {
      enableTargetInfo: Type.Boolean(
        withDefault({
          default: true,
          description:
            'Turn the resource of OTLP metrics into a `target_info` series (`--[no-]receive.otlp-enable-target-info`; ' +
            '`false` writes `--no-receive.otlp-enable-target-info`).',
        }),
      ),
      promoteResourceAttributes: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        maxItems: 100,
        default: [],
        description:
          'OTLP resource attributes turned into labels of every series (`--receive.otlp-promote-resource-attributes`, ' +
          'once per attribute). Default `[]`.',
      }),
    },
    'OTLP ingestion on the routers (`/api/v1/otlp/v1/metrics` on the remote-write port).',
    { default: {} },
  ),
};

/** The options of one hashring that Thanos' hashrings file carries per hashring. */
export const hashringIngestionOptions = {
  algorithm: Type.Optional(
    Type.Union([Type.Literal('ketama'), Type.Literal('hashmod')], {
      description:
        "This hashring's own algorithm (`algorithm` of its entry in the hashrings file), over " +
        '`receive.hashringAlgorithm`: move hashrings from `hashmod` to `ketama` one at a time. Changing it sends ' +
        "most of the hashring's series to other ingestors (the diff calls it out): their heads grow until the " +
        'next block cut. Unset: `receive.hashringAlgorithm`.',
    }),
  ),
};
