export { type Io, main, USAGE } from './main.js';
export { type RenderedEnvironment, renderEnvironments } from './render.js';
