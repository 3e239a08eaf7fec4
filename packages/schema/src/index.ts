/**
 * The environment schema (TypeBox): the one definition of `environments/<env>.yaml`, its TypeScript type, the
 * editors' JSON Schema and the schema's descriptions.
 */
export { LABEL_KEY, LABEL_VALUE, MAX_COLLECTION_SIZE, MAX_STRING_LENGTH } from './common.js';
export { describeSchema, schemaAt } from './describe.js';
export {
  DEFAULT_THANOS_VERSION,
  type Environment,
  EnvironmentSchema,
  PATCH_ACKNOWLEDGEMENTS,
  SUPPORTED_THANOS_VERSIONS,
  type ThanosVersion,
} from './environment.js';
export { editorSchema, editorSchemaText } from './export.js';
export { IMAGE_REGISTRY, IMAGE_TAG, type ImagesOptions, PINNED_IMAGES, type PinnedImageName } from './images.js';
