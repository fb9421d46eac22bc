import { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { Segmented, liveFieldErrors, valueAt } from './ui';

describe('liveFieldErrors', () => {
  const sent = { name: '', schedule: { interval_cron: '15 9 * * 1-9' }, env_vars: [{ name: 'A' }] };
  const fields = { name: 'name is required', 'schedule.interval_cron': 'bad day of week', 'env_vars.0.name': 'dup' };

  it('reads values at field paths, arrays included', () => {
    expect(valueAt(sent, 'schedule.interval_cron')).toBe('15 9 * * 1-9');
    expect(valueAt(sent, 'env_vars.0.name')).toBe('A');
    expect(valueAt(sent, 'missing.path')).toBeUndefined();
  });

  it('keeps the errors of unchanged fields and drops those of changed ones', () => {
    const now = { ...sent, schedule: { interval_cron: '15 9 * * 1-5' } };
    expect(liveFieldErrors(fields, sent, now)).toEqual({ name: 'name is required', 'env_vars.0.name': 'dup' });
    expect(liveFieldErrors(fields, sent, { ...now, name: 'Review' })).toEqual({ 'env_vars.0.name': 'dup' });
  });
});

function Harness({ disabled }: { disabled?: string }) {
  const [v, setV] = useState<'a' | 'b' | 'c'>('a');
  return (
    <Segmented
      label="Kind"
      value={v}
      onChange={setV}
      options={[
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B', disabled: disabled === 'b' },
        { value: 'c', label: 'C' },
      ]}
    />
  );
}

describe('Segmented', () => {
  it('is one tab stop; the arrow keys check the next enabled option and move the focus there', () => {
    render(<Harness disabled="b" />);
    const radio = (name: string) => screen.getByRole('radio', { name });
    expect(radio('A')).toHaveAttribute('tabindex', '0');
    expect(radio('C')).toHaveAttribute('tabindex', '-1');
    radio('A').focus();
    fireEvent.keyDown(radio('A'), { key: 'ArrowRight' });
    expect(radio('C')).toHaveAttribute('aria-checked', 'true');
    expect(radio('C')).toHaveFocus();
    fireEvent.keyDown(radio('C'), { key: 'ArrowRight' });
    expect(radio('A')).toHaveAttribute('aria-checked', 'true');
    fireEvent.keyDown(radio('A'), { key: 'End' });
    expect(radio('C')).toHaveAttribute('aria-checked', 'true');
  });
});
