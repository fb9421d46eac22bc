import type { Profile } from '@ccs/core';
import type { MessageAttributeValue as SnsAttribute } from '@aws-sdk/client-sns';
import type { CommandEnvelope, Envelope } from '../messages';

/**
 * SNS message attributes of an envelope: `type` always, `runId`, `nodeId` and `traceparent` when set. The SNS
 * subscriptions filter on `type` (node-queue: ExecuteRun) and `nodeId` (per-node control queues: StopRun).
 */
export function envelopeAttributes(
  envelope: Pick<Envelope, 'type' | 'runId' | 'nodeId' | 'traceparent'>,
): Record<string, SnsAttribute> {
  const out: Record<string, SnsAttribute> = { type: { DataType: 'String', StringValue: String(envelope.type) } };
  // SNS rejects empty attribute values, so absent and empty are both left out.
  if (envelope.runId) out['runId'] = { DataType: 'String', StringValue: envelope.runId };
  if (envelope.nodeId) out['nodeId'] = { DataType: 'String', StringValue: envelope.nodeId };
  if (envelope.traceparent) out['traceparent'] = { DataType: 'String', StringValue: envelope.traceparent };
  return out;
}

/**
 * Marker set on an env var whose static value was removed before an ExecuteRun left the coordinator. A node that
 * meets it fails the variable with a clear message (static values do not travel; use aws_sm, aws_ssm, env,
 * keychain or command sources on nodes).
 */
export const STATIC_VALUE_WITHHELD = 'value_withheld';

/** A copy of the profile with every `static` value emptied and marked with `value_withheld: true`. */
export function withholdStaticValues(profile: Profile): Profile {
  return {
    ...profile,
    env_vars: profile.env_vars.map((v) =>
      v.source === 'static' ? { ...v, value: '', [STATIC_VALUE_WITHHELD]: true } : v,
    ),
  };
}

/** The command as it may travel over AWS: ExecuteRun profiles lose their static values; other commands unchanged. */
export function commandForWire(command: CommandEnvelope): CommandEnvelope {
  if (command.type !== 'ExecuteRun' || !command.payload || typeof command.payload !== 'object') return command;
  const payload = command.payload;
  const strip = (p: Profile | null | undefined) =>
    p && Array.isArray(p.env_vars) ? withholdStaticValues(p) : (p ?? null);
  return {
    ...command,
    payload: { ...payload, task_profile: strip(payload.task_profile), job_profile: strip(payload.job_profile) },
  };
}
