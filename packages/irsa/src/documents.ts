/**
 * The files under `clusters/<env>/iam/`: what has to exist in the cloud account before the pods can reach the
 * bucket, as plain documents the cloud CLIs take as they are, as Terraform JSON, and (AWS, optional) as ACK `Role`
 * objects. None of it is part of the environment's Kustomize base.
 */
import { yamlText } from '@thanos-gitops/manifests';
import { generatedHeader, markdownCode, markdownFence, markdownText, shellCommand } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import {
  ackRole,
  awsIdentity,
  kmsActions,
  permissionsPolicy,
  podIdentityAssociations,
  roleArnOf,
  roleName,
  s3Actions,
  terraformAws,
  trustPolicy,
} from './aws.js';
import {
  azureIdentity,
  azureRole,
  containerScope,
  federatedCredentials,
  managedIdentityName,
  roleAssignments,
  terraformAzure,
} from './azure.js';
import { bucketBindings, gcpIdentity, gcsRoles, gsaEmail, gsaId, gsaPolicy, terraformGcp } from './gcp.js';
import { type CloudRole, cloudRoles } from './roles.js';

export const IAM_FOLDER = 'iam';

const jsonText = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

/** Path → content of every IAM document of the environment (empty without a cloud identity). */
export function documents(env: Environment, environmentFile: string): Map<string, string> {
  const out = new Map<string, string>();
  const header = generatedHeader(environmentFile);
  const roles = cloudRoles(env);
  if (roles.length === 0) return out;
  const aws = awsIdentity(env);
  if (aws) {
    const dir = `${IAM_FOLDER}/aws`;
    for (const role of roles) {
      const name = roleName(env, role);
      out.set(`${dir}/${name}.trust-policy.json`, jsonText(trustPolicy(env, role)));
      out.set(`${dir}/${name}.permissions-policy.json`, jsonText(permissionsPolicy(env, role)));
    }
    for (const a of podIdentityAssociations(env)) {
      out.set(`${dir}/pod-identity-associations/${a.serviceAccount}.json`, jsonText(a));
    }
    out.set(`${dir}/thanos-${env.name}.tf.json`, jsonText(terraformAws(env, header)));
    if (aws.ackRoles) {
      const files = roles.map((role) => `${roleName(env, role)}.yaml`);
      roles.forEach((role, i) => {
        out.set(`${dir}/ack/${files[i]}`, `${header}\n${yamlText(ackRole(env, role))}`);
      });
      const k = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...files].sort() };
      out.set(`${dir}/ack/kustomization.yaml`, `${header}\n${yamlText(k)}`);
    }
  }
  if (gcpIdentity(env)) {
    const dir = `${IAM_FOLDER}/gcp`;
    for (const role of roles) out.set(`${dir}/${gsaId(env, role)}.iam-policy.json`, jsonText(gsaPolicy(env, role)));
    out.set(`${dir}/bucket-iam-bindings.json`, jsonText(bucketBindings(env)));
    out.set(`${dir}/thanos-${env.name}.tf.json`, jsonText(terraformGcp(env, header)));
  }
  if (azureIdentity(env)) {
    const dir = `${IAM_FOLDER}/azure`;
    for (const c of federatedCredentials(env)) {
      out.set(
        `${dir}/federated-credentials/${c.name}.json`,
        jsonText({ properties: { issuer: c.issuer, subject: c.subject, audiences: c.audiences } }),
      );
    }
    out.set(`${dir}/role-assignments.json`, jsonText(roleAssignments(env)));
    out.set(`${dir}/thanos-${env.name}.tf.json`, jsonText(terraformAzure(env, header)));
  }
  if (out.size > 0) out.set(`${IAM_FOLDER}/README.md`, readme(env, header, roles));
  return out;
}

/** The actions (or cloud roles) a role grants, in words for the README table. */
export function grantedActions(env: Environment, role: CloudRole): string[] {
  if (awsIdentity(env)) {
    const { bucket, objects } = s3Actions(role.access);
    return [...bucket, ...objects, ...(env.objectStorage.kmsKeyId ? kmsActions(role.access) : [])];
  }
  if (gcpIdentity(env)) return gcsRoles(role.access);
  if (azureIdentity(env)) return [azureRole(role.access)];
  return [];
}

function principalOf(env: Environment, role: CloudRole): string {
  if (awsIdentity(env)) return roleArnOf(env, role);
  if (gcpIdentity(env)) return gsaEmail(env, role);
  return managedIdentityName(env, role);
}

function readme(env: Environment, header: string, roles: CloudRole[]): string {
  const lines: string[] = [header, '', `# Cloud identity of ${markdownText(env.name)}`, ''];
  lines.push(
    'What must exist in the cloud account before the pods can reach the bucket. Nothing here is applied by',
    'Kustomize: create it once with the commands below (or the Terraform file), then sync the environment.',
    '',
    '| role | components | ServiceAccounts | grants |',
    '| --- | --- | --- | --- |',
  );
  for (const role of roles) {
    lines.push(
      `| ${markdownCode(principalOf(env, role), true)} | ${role.components.join(', ')} | ${role.serviceAccounts.map((s) => markdownCode(`${env.namespace}/${s}`, true)).join(', ')} | ${grantedActions(env, role).join(', ')} |`,
    );
  }
  lines.push('', ...awsSteps(env, roles), ...gcpSteps(env, roles), ...azureSteps(env, roles));
  return `${lines.join('\n')}\n`;
}

/** The AWS CLI commands: each role with its policy, and the pod identity associations. */
function awsCommands(env: Environment, roles: CloudRole[]): string[] {
  const commands = roles.flatMap((role) => {
    const name = roleName(env, role);
    return [
      shellCommand(
        ...['aws', 'iam', 'create-role', '--role-name', name],
        ...['--assume-role-policy-document', `file://${name}.trust-policy.json`],
      ),
      shellCommand(
        ...['aws', 'iam', 'put-role-policy', '--role-name', name, '--policy-name', `${name}-bucket`],
        ...['--policy-document', `file://${name}.permissions-policy.json`],
      ),
    ];
  });
  for (const a of podIdentityAssociations(env)) {
    const file = `file://pod-identity-associations/${a.serviceAccount}.json`;
    commands.push(shellCommand('aws', 'eks', 'create-pod-identity-association', '--cli-input-json', file));
  }
  return commands;
}

/** The AWS section: IAM roles and policies (or Terraform), pod identity associations, what the cluster needs. */
function awsSteps(env: Environment, roles: CloudRole[]): string[] {
  const aws = awsIdentity(env);
  const lines: string[] = [];
  if (aws) {
    const commands = awsCommands(env, roles);
    lines.push(
      '## AWS',
      '',
      `Run from this folder (${markdownCode(`clusters/${env.name}/iam/aws`)}):`,
      '',
      markdownFence('sh', commands.join('\n')),
      '',
    );
    lines.push(
      `Or with Terraform: ${markdownCode(`thanos-${env.name}.tf.json`)} holds the roles, their policies and attachments` +
        (aws.mode === 'podIdentity' ? ' and the pod identity associations.' : '.'),
    );
    if (aws.mode === 'podIdentity') {
      const addon = ['aws', 'eks', 'create-addon', '--addon-name', 'eks-pod-identity-agent', '--cluster-name'];
      lines.push(
        '',
        'EKS Pod Identity needs the Pod Identity Agent add-on on the cluster',
        `(${markdownCode(shellCommand(...addon, aws.eksClusterName ?? ''))}).`,
      );
    } else {
      lines.push(
        '',
        `IRSA needs the cluster's OIDC provider in IAM (${markdownCode(shellCommand('eksctl', 'utils', 'associate-iam-oidc-provider', '--cluster', aws.eksClusterName ?? '', '--approve'))}).`,
      );
    }
    if (aws.ackRoles) {
      lines.push(
        '',
        'With AWS Controllers for Kubernetes: `ack/` is a Kustomize base of `Role` objects (iam.services.k8s.aws),',
        'for the cluster where the ACK IAM controller runs.',
      );
    }
  }
  return lines;
}

/** The Google Cloud section: service accounts, Workload Identity and bucket bindings. */
function gcpSteps(env: Environment, roles: CloudRole[]): string[] {
  const lines: string[] = [];
  if (gcpIdentity(env)) {
    const project = env.identity?.gcp?.projectId ?? '';
    const commands: string[] = [];
    for (const role of roles) {
      commands.push(
        shellCommand('gcloud', 'iam', 'service-accounts', 'create', gsaId(env, role), '--project', project),
        shellCommand(
          'gcloud',
          'iam',
          'service-accounts',
          'set-iam-policy',
          gsaEmail(env, role),
          `${gsaId(env, role)}.iam-policy.json`,
          '--project',
          project,
        ),
      );
    }
    for (const b of bucketBindings(env).bindings) {
      for (const m of b.members) {
        commands.push(
          shellCommand(
            'gcloud',
            'storage',
            'buckets',
            'add-iam-policy-binding',
            `gs://${env.objectStorage.bucket}`,
            `--member=${m}`,
            `--role=${b.role}`,
          ),
        );
      }
    }
    lines.push(
      '## Google Cloud',
      '',
      `Run from this folder (${markdownCode(`clusters/${env.name}/iam/gcp`)}):`,
      '',
      markdownFence('sh', commands.join('\n')),
    );
    lines.push(
      '',
      '`bucket-iam-bindings.json` lists the same bucket bindings in IAM policy form. Or with Terraform:',
      `${markdownCode(`thanos-${env.name}.tf.json`)}. The cluster and its node pools need Workload Identity enabled.`,
    );
  }
  return lines;
}

/** The Azure commands: identities, federated credentials, role assignments (the principal id looked up by `az`). */
function azureCommands(env: Environment, az: NonNullable<ReturnType<typeof azureIdentity>>, roles: CloudRole[]) {
  const rg = ['--resource-group', az.resourceGroup];
  const identities = roles.map((role) =>
    shellCommand(...['az', 'identity', 'create', '--name', managedIdentityName(env, role), ...rg]),
  );
  const credentials = federatedCredentials(env).map((c) =>
    shellCommand(
      ...['az', 'identity', 'federated-credential', 'create', '--name', c.name, '--identity-name', c.identityName],
      ...['--resource-group', c.resourceGroup, '--issuer', c.issuer, '--subject', c.subject, '--audiences'],
      ...c.audiences,
    ),
  );
  const assignments = roleAssignments(env).map((a) => {
    const show = shellCommand(...['az', 'identity', 'show', '--name', a.identityName, ...rg, '--query', 'principalId']);
    const rest = ['--assignee-principal-type', 'ServicePrincipal', '--role', a.role, '--scope', containerScope(env)];
    return `az role assignment create --assignee-object-id "$(${show} -o tsv)" ${shellCommand(...rest)}`;
  });
  return [...identities, ...credentials, ...assignments];
}

/** The Azure section: managed identities, federated credentials and role assignments. */
function azureSteps(env: Environment, roles: CloudRole[]): string[] {
  const az = azureIdentity(env);
  if (!az) return [];
  return [
    '## Azure',
    '',
    `Run from this folder (${markdownCode(`clusters/${env.name}/iam/azure`)}):`,
    '',
    markdownFence('sh', azureCommands(env, az, roles).join('\n')),
    '',
    '`federated-credentials/*.json` are the same credentials as request bodies of the Managed Identity API, and',
    `\`role-assignments.json\` the role assignments. Or with Terraform: ${markdownCode(`thanos-${env.name}.tf.json`)}, whose outputs are`,
    'the client ids to put into `identity.azure.clientIds`. The cluster needs the OIDC issuer and workload identity',
    'enabled (`az aks update --enable-oidc-issuer --enable-workload-identity`).',
  ];
}
