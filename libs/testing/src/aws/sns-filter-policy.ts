/**
 * SNS subscription filter policies, evaluated the way SNS documents them: every key of the policy must match
 * (AND), any condition in a key's list may match (OR), `$or` combines alternative policies. Supported
 * conditions: exact strings and numbers, `anything-but` (value, list or `{prefix}`), `exists`, `prefix`,
 * `suffix`, `equals-ignore-case` and `numeric` ranges.
 */
export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type FilterPolicy = Record<string, unknown>;

/** Throws an Error with a message SNS would return as InvalidParameter when the policy is not usable. */
export function parseFilterPolicy(text: string): FilterPolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('Invalid parameter: FilterPolicy: failed to parse JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('Invalid parameter: FilterPolicy: Filter policy must be a JSON object');
  }
  return value as FilterPolicy;
}

/** Filter on message attributes (FilterPolicyScope MessageAttributes, the default). */
export function matchesAttributes(policy: FilterPolicy, attributes: Record<string, SnsMessageAttribute>): boolean {
  return matchObject(
    policy,
    (key) => attributeValues(attributes[key]),
    () => false,
  );
}

/** Filter on the JSON message body (FilterPolicyScope MessageBody); a body that is not a JSON object never matches. */
export function matchesBody(policy: FilterPolicy, body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  return matchBodyObject(policy, parsed as Record<string, unknown>);
}

type Values = (string | number | null)[] | undefined;

function matchObject(
  policy: FilterPolicy,
  lookup: (key: string) => Values,
  nested: (key: string, p: FilterPolicy) => boolean,
): boolean {
  for (const [key, rule] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || !rule.some((alt) => matchObject(alt as FilterPolicy, lookup, nested))) return false;
      continue;
    }
    if (Array.isArray(rule)) {
      if (!matchConditions(rule, lookup(key))) return false;
    } else if (rule && typeof rule === 'object') {
      if (!nested(key, rule as FilterPolicy)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function matchBodyObject(policy: FilterPolicy, body: Record<string, unknown>): boolean {
  return matchObject(
    policy,
    (key) => {
      if (!(key in body)) return undefined;
      const v = body[key];
      const list = Array.isArray(v) ? v : [v];
      return list.filter((x) => x === null || typeof x === 'string' || typeof x === 'number') as (
        string | number | null
      )[];
    },
    (key, p) => {
      const v = body[key];
      return !!v && typeof v === 'object' && !Array.isArray(v) && matchBodyObject(p, v as Record<string, unknown>);
    },
  );
}

function attributeValues(attr: SnsMessageAttribute | undefined): Values {
  if (!attr) return undefined;
  if (attr.DataType === 'String.Array') {
    try {
      const list = JSON.parse(attr.StringValue ?? '[]') as unknown;
      if (Array.isArray(list))
        return list.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number');
    } catch {
      return [];
    }
    return [];
  }
  if (attr.DataType.startsWith('Number')) {
    const n = Number(attr.StringValue);
    return Number.isNaN(n) ? [] : [n];
  }
  if (attr.DataType.startsWith('Binary')) return []; // SNS ignores binary attributes in filter policies.
  return [attr.StringValue ?? ''];
}

function matchConditions(conditions: unknown[], values: Values): boolean {
  return conditions.some((c) => matchCondition(c, values));
}

function matchCondition(condition: unknown, values: Values): boolean {
  if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
    const [op, arg] = Object.entries(condition as Record<string, unknown>)[0] ?? [];
    if (op === 'exists') return arg ? values !== undefined : values === undefined;
    if (values === undefined) return false;
    switch (op) {
      case 'prefix':
        return values.some((v) => typeof v === 'string' && v.startsWith(String(arg)));
      case 'suffix':
        return values.some((v) => typeof v === 'string' && v.endsWith(String(arg)));
      case 'equals-ignore-case':
        return values.some((v) => typeof v === 'string' && v.toLowerCase() === String(arg).toLowerCase());
      case 'anything-but':
        return anythingBut(arg, values);
      case 'numeric':
        return values.some((v) => typeof v === 'number' && numericMatch(arg, v));
      default:
        return false;
    }
  }
  if (values === undefined) return false;
  return values.some((v) => v === condition);
}

function anythingBut(arg: unknown, values: (string | number | null)[]): boolean {
  if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
    const prefix = (arg as Record<string, unknown>)['prefix'];
    if (typeof prefix === 'string') return values.some((v) => !(typeof v === 'string' && v.startsWith(prefix)));
    return false;
  }
  const excluded = Array.isArray(arg) ? arg : [arg];
  return values.some((v) => !excluded.includes(v));
}

function numericMatch(arg: unknown, v: number): boolean {
  if (!Array.isArray(arg)) return false;
  for (let i = 0; i + 1 < arg.length; i += 2) {
    const op = arg[i] as string;
    const n = Number(arg[i + 1]);
    const ok =
      op === '='
        ? v === n
        : op === '<'
          ? v < n
          : op === '<='
            ? v <= n
            : op === '>'
              ? v > n
              : op === '>='
                ? v >= n
                : false;
    if (!ok) return false;
  }
  return true;
}
