/**
 * OpenTelemetry settings from the standard `OTEL_*` variables — the only place in the code base that reads them
 * (the SDK itself reads the exporter details: endpoints, protocols, headers, sampler, propagators).
 *
 * Telemetry is OFF unless asked for: `OTEL_SDK_DISABLED` is not `true` AND at least one of the variables below
 * names somewhere to send traces or metrics. Without this gate, NodeSDK would default to OTLP on localhost:4318
 * and every `gui` user would get export errors for a collector they never set up.
 */

/** Which process reports; part of the default service name. */
export type TelemetryMode = 'gui' | 'daemon' | 'node';

export interface TelemetryConfig {
  enabled: boolean;
  /** `OTEL_SERVICE_NAME`, or `claude-code-scheduler-<mode>`. */
  serviceName: string;
}

/** Any of these set (to something other than `none`) turns telemetry on. */
export const TELEMETRY_ENABLING_VARS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
] as const;

export function telemetryConfig(
  mode: TelemetryMode,
  env: Readonly<Record<string, string | undefined>>,
): TelemetryConfig {
  const disabled = env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true';
  // `OTEL_TRACES_EXPORTER=none` alone asks for nothing to be exported, so it does not switch the SDK on.
  const requested = TELEMETRY_ENABLING_VARS.some((name) => {
    const value = env[name]?.trim();
    return !!value && value.toLowerCase() !== 'none';
  });
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || `claude-code-scheduler-${mode}`;
  return { enabled: !disabled && requested, serviceName };
}
