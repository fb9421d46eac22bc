import rawIamActions from '../iam-actions.json';

/** The two long-running processes of the distributed topology; each runs under its own IAM role. */
export type ProcessName = 'daemon' | 'node';

export const PROCESS_NAMES: readonly ProcessName[] = ['daemon', 'node'];

/**
 * The AWS API actions each process calls (`infra/iam-actions.json`, the single list shared with libs/transport,
 * whose test checks that every SDK command the adapters send is listed there). The roles grant exactly these.
 */
export type IamActions = Record<ProcessName, readonly string[]>;

const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** Validates the shape of iam-actions.json: both processes, `service:Action` strings, no wildcards, no duplicates. */
export function parseIamActions(raw: unknown): IamActions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('iam-actions.json must be an object { "daemon": [...], "node": [...] }');
  }
  const record = raw as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((key) => !(PROCESS_NAMES as readonly string[]).includes(key));
  if (unknownKeys.length > 0) throw new Error(`iam-actions.json: unknown process(es) ${unknownKeys.join(', ')}`);

  const parsed = {} as Record<ProcessName, readonly string[]>;
  for (const process of PROCESS_NAMES) {
    const actions = record[process];
    if (!Array.isArray(actions) || actions.length === 0) {
      throw new Error(`iam-actions.json: "${process}" must be a non-empty list of actions`);
    }
    const seen = new Set<string>();
    for (const action of actions) {
      if (typeof action !== 'string' || !ACTION_PATTERN.test(action)) {
        throw new Error(`iam-actions.json: "${process}" has ${JSON.stringify(action)}, expected "service:Action"`);
      }
      if (seen.has(action)) throw new Error(`iam-actions.json: "${process}" lists ${action} twice`);
      seen.add(action);
    }
    parsed[process] = [...seen];
  }
  return parsed;
}

/** The actions of iam-actions.json, validated. */
export const IAM_ACTIONS: IamActions = parseIamActions(rawIamActions);
