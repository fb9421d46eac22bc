import { NODE_STATUSES, NodeStatus } from './enums';
import { asObject, num, nowIso, oneOf, optStr, str, strList, timestamp } from './read';
import { isObject } from './read';

/** A worker in the cluster registry (coordinator side). `local` is the in-process worker of `gui` mode. */
export interface ClusterNode {
  id: string;
  name: string;
  host: string;
  status: NodeStatus;
  version: string;
  capacity: number;
  running_run_ids: string[];
  tags: Record<string, string>;
  registered_at: string;
  last_heartbeat: string;
  status_reason: string | null;
  [extra: string]: unknown;
}

export function normalizeNode(raw: unknown, path = 'node', now = nowIso()): ClusterNode {
  const o = asObject(raw, path);
  const tags = isObject(o['tags']) ? (o['tags'] as Record<string, string>) : {};
  return {
    ...o,
    id: str(o, 'id', path, ''),
    name: str(o, 'name', path, ''),
    host: str(o, 'host', path, ''),
    status: oneOf(o, 'status', path, NODE_STATUSES, 'online'),
    version: str(o, 'version', path, ''),
    capacity: num(o, 'capacity', path, 1),
    running_run_ids: strList(o, 'running_run_ids', path),
    tags,
    registered_at: timestamp(o, 'registered_at', path, now),
    last_heartbeat: timestamp(o, 'last_heartbeat', path, now),
    status_reason: optStr(o, 'status_reason', path),
  };
}
