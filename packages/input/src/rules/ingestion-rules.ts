/**
 * Rules of the ingestion options of `receive` (schema/ingestion.ts) and of the HorizontalPodAutoscalers
 * (schema/autoscaling.ts), reported at the field they concern.
 */
import { parseDuration, remoteWriteMtls } from '@thanos-gitops/model';
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

/**
 * Cap'n Proto replication has no TLS in any supported Thanos release: with internal mTLS it would carry every
 * tenant's writes unauthenticated. The certificate's tenant cannot be overridden by a label of the series.
 */
function protocolAndTenancyRules(env: Environment, sink: ProblemSink): void {
  const r = env.receive;
  const mtls = env.remoteWrite.mtls;
  if (r.replicationProtocol === 'capnproto' && mtls.enabled && mtls.internal) {
    sink.report(
      ['receive', 'replicationProtocol'],
      'capnproto has no TLS in Thanos (a plain TCP server on port 19391): with remoteWrite.mtls.internal it would ' +
        "carry every tenant's writes unauthenticated; keep protobuf, which uses the gRPC mTLS",
    );
  }
  if (r.splitTenantLabel !== undefined && remoteWriteMtls(env) && mtls.tenancy === 'certificate') {
    sink.report(
      ['receive', 'splitTenantLabel'],
      'a label would override the tenant the client certificate names (remoteWrite.mtls.tenancy: certificate), ' +
        'letting a writer write into any tenant: use tenancy: header, or leave it unset',
    );
  }
  if (parseDuration(r.forwardTimeout) === 0) {
    sink.report(
      ['receive', 'forwardTimeout'],
      `must be longer than 0, or every forwarded write times out at once (found "${r.forwardTimeout}")`,
    );
  }
}

/** Thanos' hashmod ring refuses endpoints with an `az`, which every endpoint has with `receive.zones`. */
function hashringAlgorithmRules(r: Environment['receive'], sink: ProblemSink): void {
  if (r.zones.length === 0) return;
  r.hashrings.forEach((h, i) => {
    if (h.algorithm === 'hashmod') {
      sink.report(
        ['receive', 'hashrings', i, 'algorithm'],
        "must be ketama with receive.zones: Thanos' hashmod ring refuses hashring endpoints that carry an az",
      );
    }
  });
}

type Scaled = { replicas: number; autoscaling?: { maxReplicas: number } };

/** An HPA scales between `replicas` and `maxReplicas`: the upper bound is at least the lower. */
function autoscalingRule(at: FieldPath, w: Scaled | undefined, sink: ProblemSink): void {
  if (!w?.autoscaling || w.autoscaling.maxReplicas >= w.replicas) return;
  sink.report(
    [...at, 'autoscaling', 'maxReplicas'],
    `must be >= ${at.join('.')}.replicas (${w.replicas}) (found ${w.autoscaling.maxReplicas})`,
  );
}

export function ingestionRules(env: Environment, sink: ProblemSink): void {
  if (env.receive.enabled) {
    protocolAndTenancyRules(env, sink);
    hashringAlgorithmRules(env.receive, sink);
    autoscalingRule(['receive', 'router'], env.receive.router, sink);
  }
  if (env.queryFrontend.enabled) autoscalingRule(['queryFrontend'], env.queryFrontend, sink);
}
