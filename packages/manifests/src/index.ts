/**
 * Kubernetes objects and YAML: the manifest model and its labels, the object checks (kubernetes-models validation,
 * unknown fields), the deterministic YAML emitter and the text of a manifest file.
 */
export { emitYaml, YAML_OPTIONS } from './emit.js';
export { modelFor, modelKinds } from './kinds.js';
export {
  type KubeObject,
  type LabelSpec,
  MANAGED_BY,
  type Manifest,
  manifestFile,
  type ObjectMeta,
  objectId,
  objectProblems,
  PART_OF,
  selectorLabels,
  standardLabels,
  toPlain,
} from './manifest.js';
export { hasKnownFields, unknownFields } from './strict-fields.js';
export { conventionalOrder, manifestBody, manifestYaml, yamlText } from './yaml.js';
