/** Operability: tracing of every Thanos component, and the Grafana dashboards and datasource. */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX, THANOS_COMPONENTS } from '@thanos-gitops/catalog';
import {
  DNS_LABEL,
  GRAFANA_FOLDER,
  LABEL_KEY,
  LABEL_VALUE,
  LabelMap,
  Obj,
  PORT,
  StringMap,
  withDefault,
} from './common.js';

/** A Kubernetes label key: the one rule, from common.ts. */
export { LABEL_KEY };

/** `host:port` of an OTLP receiver (no scheme: Thanos' OTLP exporters take host and port), port 1-65535. */
export const OTLP_ENDPOINT = `^[A-Za-z0-9.-]+:${PORT}$`;

/** An HTTP path (`/v1/traces`). */
export const URL_PATH = '^/[A-Za-z0-9._/-]*$';
/** A Grafana uid (at most 40 letters, digits, '_' and '-'). */
export const GRAFANA_UID = '^[A-Za-z0-9_-]{1,40}$';

/** The components whose service name can be set, by the name they have in the environment file. */
export const TRACED_COMPONENTS = THANOS_COMPONENTS;

export const Tracing = Obj(
  {
    endpoint: Type.String({
      pattern: OTLP_ENDPOINT,
      description:
        'OTLP receiver as `host:port` (port 1-65535), e.g. `otel-collector.observability.svc:4317` (gRPC) or ' +
        '`otel-collector.observability.svc:4318` (HTTP). ' +
        'In-cluster names (`<service>.<namespace>[.svc…]`) open egress to that namespace in the NetworkPolicies; ' +
        'any other host opens egress to any address on that port.',
    }),
    protocol: Type.Union(
      [Type.Literal('grpc'), Type.Literal('http')],
      withDefault({
        default: 'grpc',
        description: 'OTLP transport (`client_type`): `grpc` or `http`.',
      }),
    ),
    urlPath: Type.Optional(
      Type.String({
        pattern: URL_PATH,
        description: 'With `protocol: http`, the path traces are posted to. Default the exporter’s `/v1/traces`.',
      }),
    ),
    insecure: Type.Boolean(
      withDefault({
        default: false,
        description:
          'Send in plain text instead of TLS (`insecure`). Most in-cluster collectors listen without TLS: set it ' +
          'to true for them.',
      }),
    ),
    samplingRatio: Type.Number(
      withDefault({
        minimum: 0,
        maximum: 1,
        default: 0.1,
        description:
          'Fraction of new traces recorded (`parentbasedtraceidratiobased` sampler: a request that arrives with a ' +
          'sampled parent is always recorded).',
      }),
    ),
    serviceNames: Type.Optional(
      Obj(
        Object.fromEntries(
          TRACED_COMPONENTS.map((c) => [c, Type.Optional(Type.String({ minLength: 1, description: `For ${c}.` }))]),
        ),
        'Service name each component reports (`service_name`), by component. Default its application name ' +
          '(`thanos-query`, `thanos-receive-router`, `thanos-store`, …).',
      ),
    ),
    resourceAttributes: StringMap(
      'Extra OTLP resource attributes on every span (`resource_attributes`); `environment` and `cluster` are ' +
        'always set.',
    ),
  },
  'Send traces of every Thanos component to an OTLP receiver. Renders one tracing config file per component ' +
    '(ConfigMap `thanos-tracing`), mounted by each and passed with `--tracing.config-file`. No tracing when unset.',
);

export const Dashboards = Obj(
  {
    enabled: Type.Boolean(
      withDefault({
        default: true,
        description:
          'Emit Grafana dashboards (an overview and one per running component) as ConfigMaps the Grafana sidecar ' +
          'loads.',
      }),
    ),
    sidecarLabel: Obj(
      {
        key: Type.String(withDefault({ pattern: LABEL_KEY, default: 'grafana_dashboard', description: 'Label key.' })),
        value: Type.String(
          withDefault({
            pattern: LABEL_VALUE,
            minLength: 1,
            default: '1',
            description: 'Label value.',
          }),
        ),
      },
      'The label the Grafana sidecar watches (`sidecar.dashboards.label` and `labelValue` of the Grafana chart). ' +
        'Default `grafana_dashboard: "1"`.',
      { default: {} },
    ),
    folder: Type.String(
      withDefault({
        minLength: 1,
        pattern: GRAFANA_FOLDER,
        default: 'Thanos',
        description:
          'Grafana folder the dashboards go into: a relative name (`/` nests folders), never absolute or with a ' +
          "`..` segment, since Grafana's dashboard sidecar writes the files under it.",
      }),
    ),
    folderAnnotation: Type.String(
      withDefault({
        pattern: LABEL_KEY,
        default: 'grafana_folder',
        description: 'Annotation carrying the folder (`sidecar.dashboards.folderAnnotation` of the Grafana chart).',
      }),
    ),
    namespace: Type.Optional(
      Type.String({
        pattern: DNS_LABEL,
        maxLength: DNS_LABEL_MAX,
        description:
          'Namespace of the dashboard ConfigMaps, when your sidecar only watches its own. Default the ' +
          'environment namespace.',
      }),
    ),
    grafanaOperator: Type.Optional(
      Obj(
        {
          instanceSelector: LabelMap(
            'Labels of the Grafana custom resources that get the dashboards (`spec.instanceSelector.matchLabels`; ' +
              'Kubernetes label keys and values).',
          ),
        },
        'Also emit grafana-operator `GrafanaDashboard` objects (grafana.integreatly.org/v1beta1), one per dashboard.',
      ),
    ),
  },
  'Grafana dashboards built from the same component data as the manifests.',
  { default: {} },
);

export const Datasource = Obj(
  {
    enabled: Type.Boolean(
      withDefault({
        default: false,
        description:
          'Emit a Grafana datasource (a ConfigMap the Grafana sidecar loads, label `grafana_datasource: "1"`) ' +
          'pointing at the query frontend (Query when the frontend is disabled).',
      }),
    ),
    name: Type.String(withDefault({ minLength: 1, default: 'Thanos', description: 'Datasource name.' })),
    uid: Type.String(
      withDefault({
        pattern: GRAFANA_UID,
        default: 'thanos',
        description: 'Datasource uid; the dashboards query the datasource picked in their variable.',
      }),
    ),
  },
  'A Grafana datasource for this environment.',
  { default: {} },
);
