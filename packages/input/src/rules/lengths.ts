/** Name lengths Kubernetes enforces on generated names. */
import { STATEFULSET_NAME_MAX } from '@thanos-gitops/catalog';
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';

export function checkLength(sink: ProblemSink, path: FieldPath, name: string, max = STATEFULSET_NAME_MAX): void {
  if (name.length > max) {
    sink.report(path, `gives the StatefulSet name "${name}" of ${name.length} characters; Kubernetes allows ${max}`);
  }
}
