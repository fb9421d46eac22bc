import { DEFAULT_HISTORY, formatUrlState, parseUrlState } from './url-state';

const TASK = '0b7c1e9e-4a6f-4c1e-9d2a-6f0c5b8e1a11';

describe('url state', () => {
  it('round-trips the view, the selection and the filters', () => {
    const state = {
      view: 'history' as const,
      jobId: null,
      taskId: TASK,
      runId: null,
      runFilter: 'failed' as const,
      history: { q: 'timeout', from: '2026-03-01', to: '2026-03-09', sort: 'cost' as const, desc: false },
    };
    const qs = formatUrlState(state);
    expect(qs).toBe(
      `?view=history&task=${TASK}&status=failed&q=timeout&from=2026-03-01&to=2026-03-09&sort=cost&dir=asc`,
    );
    expect(parseUrlState(qs)).toEqual(state);
  });

  it('keeps the plain address for the default screen', () => {
    expect(
      formatUrlState({
        view: 'tasks',
        jobId: null,
        taskId: null,
        runId: null,
        runFilter: 'all',
        history: DEFAULT_HISTORY,
      }),
    ).toBe('');
  });

  it('ignores what it does not understand instead of failing the page', () => {
    const s = parseUrlState('?view=admin&task=<script>&status=weird&from=yesterday&sort=name&run=' + 'x'.repeat(100));
    expect(s).toEqual({
      view: 'tasks',
      jobId: null,
      taskId: null,
      runId: null,
      runFilter: 'all',
      history: DEFAULT_HISTORY,
    });
    expect(parseUrlState('?task=new').taskId).toBe('new');
  });
});
