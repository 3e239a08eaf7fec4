/** Rules of the `query` section (schema/query.ts). */
import type { ProblemSink } from '../problems.js';
import type { Environment } from '../schema/environment.js';

export function queryRules(env: Environment, sink: ProblemSink): void {
  if (env.query.autoscaling && env.query.autoscaling.maxReplicas < env.query.replicas) {
    sink.report(
      ['query', 'autoscaling', 'maxReplicas'],
      `must be >= query.replicas (${env.query.replicas}) (found ${env.query.autoscaling.maxReplicas})`,
    );
  }
}
