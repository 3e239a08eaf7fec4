/**
 * Located problems: the path of a field, a problem at it, the sink rules report to, the error that carries them
 * and their one-line form.
 */
export {
  type FieldPath,
  fieldName,
  formatProblem,
  InvalidEnvironmentError,
  type Problem,
  type ProblemSink,
} from './problems.js';
