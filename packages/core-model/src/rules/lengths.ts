/** Name lengths Kubernetes enforces on generated names. */
import { STATEFULSET_NAME_MAX } from '../name-limits.js';
import type { FieldPath, ProblemSink } from '../problems.js';

export function checkLength(sink: ProblemSink, path: FieldPath, name: string, max = STATEFULSET_NAME_MAX): void {
  if (name.length > max) {
    sink.report(path, `gives the StatefulSet name "${name}" of ${name.length} characters; Kubernetes allows ${max}`);
  }
}
