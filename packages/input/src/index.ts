/**
 * The input side: loading `environments/*.yaml` with errors at file:line, the validator, and the rules a schema
 * cannot state (cross-field, input and identity rules), plus the credential scanner of rendered files.
 */
export { CREDENTIAL_SHAPES, type CredentialHit, findCredentials, pathOfString, redact } from './credentials.js';
export { editDistance } from './edit-distance.js';
export { isAwsEndpoint } from './identity-rules.js';
export { isCredentialName, MAX_ANNOTATIONS_BYTES, nested, normalPath } from './input-rules.js';
export { closest, type LoadedEnvironment, loadEach, loadEnvironments, type SourceFile, sortProblems } from './load.js';
export { tenantIsKnown, writerTarget } from './rules/remote-write.js';
