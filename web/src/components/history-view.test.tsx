import type { Run } from '@/lib/types';
import { DEFAULT_HISTORY } from '@/lib/url-state';
import { historyRows } from './history-view';

const run = (id: string, p: Partial<Run>): Run =>
  ({
    id,
    task_id: 't',
    task_name: 'Review',
    status: 'success',
    scheduled_time: '2026-03-10T10:00:00.000Z',
    start_time: '2026-03-10T10:00:00.000Z',
    duration: 10,
    cost_usd: 0.01,
    input_tokens: 10,
    output_tokens: 5,
    trigger: 'schedule',
    status_reason: null,
    node_id: 'local',
    model: 'sonnet',
    ...p,
  }) as Run;

const runs = [
  run('a', { duration: 30, cost_usd: null, start_time: '2026-03-08T12:00:00', task_name: 'Nightly review' }),
  run('b', { duration: 5, cost_usd: 0.5, start_time: '2026-03-09T12:00:00', status: 'failed', trigger: 'manual' }),
  run('c', { duration: 12, cost_usd: 0.1, start_time: '2026-03-10T12:00:00', status_reason: 'Timed out' }),
];
const ids = (r: Run[]) => r.map((x) => x.id);

describe('historyRows', () => {
  it('sorts by a column in either direction, runs without a value last', () => {
    expect(ids(historyRows(runs, DEFAULT_HISTORY))).toEqual(['c', 'b', 'a']);
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, sort: 'duration', desc: false }))).toEqual(['b', 'c', 'a']);
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, sort: 'cost', desc: true }))).toEqual(['b', 'c', 'a']);
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, sort: 'cost', desc: false }))).toEqual(['c', 'b', 'a']);
  });

  it('filters by local start day and by text in the task, trigger, reason, node or id', () => {
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, from: '2026-03-09', to: '2026-03-09' }))).toEqual(['b']);
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, q: 'NIGHTLY' }))).toEqual(['a']);
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, q: 'timed out' }))).toEqual(['c']);
    expect(ids(historyRows(runs, { ...DEFAULT_HISTORY, q: 'manual' }))).toEqual(['b']);
  });
});
