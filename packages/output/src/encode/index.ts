/**
 * One encoder per output format the generator writes values into. Every writer of a format goes through its
 * encoder; values a format cannot carry at all are refused at load (input rules), not here.
 */
export { argoTemplateText } from './argocd.js';
export { githubData, githubProperty, inertWorkflowCommands } from './github.js';
export { grafanaValue } from './grafana.js';
export { htmlText, markdownCode, markdownFence, markdownText, oneLine } from './markdown.js';
export { mermaidLabel } from './mermaid.js';
export { shellCommand, shellWord } from './shell.js';
export { hclLiteral, type TerraformRef, terraformJson, tfRef } from './terraform.js';
