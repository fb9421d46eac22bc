import { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { FireTime, ScheduleConfig } from '@/lib/types';
import { ScheduleEditor } from './schedule-editor';

const MANUAL: ScheduleConfig = {
  schedule_type: 'manual',
  timezone: null,
  calendar_frequency: null,
  calendar_time: null,
  calendar_days_of_week: [],
  calendar_day_of_month: null,
  interval_type: null,
  interval_preset: null,
  interval_value: null,
  interval_unit: null,
  interval_cron: null,
  watch_directory: null,
  watch_recursive: true,
  watch_debounce_seconds: 5,
  seq_max_retries: 0,
  seq_retry_delay_seconds: 60,
  overlap_policy: null,
  catchup_policy: null,
  catchup_window_hours: null,
};

// A Sunday, so weekday schedules start on the next day.
const NOW = new Date('2025-03-02T10:00:00Z');

function Harness(props: {
  initial?: Partial<ScheduleConfig>;
  hasJob?: boolean;
  errors?: Record<string, string>;
  serverPreview?: FireTime[] | null;
  onValue?: (s: ScheduleConfig) => void;
}) {
  const [value, setValue] = useState<ScheduleConfig>({ ...MANUAL, ...props.initial });
  return (
    <ScheduleEditor
      value={value}
      onChange={(v) => {
        setValue(v);
        props.onValue?.(v);
      }}
      hasJob={props.hasJob ?? false}
      errors={props.errors}
      serverPreview={props.serverPreview}
      defaultTimezone="UTC"
      now={NOW}
      anchor={NOW}
    />
  );
}

const fireTimes = () => within(screen.getByRole('list', { name: 'Next fire times' })).getAllByRole('listitem');

describe('ScheduleEditor', () => {
  it('offers every kind, and sequential only for tasks of a job', () => {
    const { unmount } = render(<Harness />);
    const kinds = within(screen.getByRole('radiogroup', { name: 'Schedule type' })).getAllByRole('radio');
    expect(kinds.map((k) => k.textContent)).toEqual([
      'Manual',
      'Startup',
      'Calendar',
      'Interval',
      'File watch',
      'Sequential',
    ]);
    expect(screen.getByRole('radio', { name: 'Manual' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('radio', { name: 'Sequential' })).toBeDisabled();
    expect(screen.getByText('Runs only when started by hand (or through the API).')).toBeInTheDocument();
    unmount();
    render(<Harness hasJob />);
    expect(screen.getByRole('radio', { name: 'Sequential' })).toBeEnabled();
  });

  it('previews the next five fire times of a cron schedule as it is typed', () => {
    let last: ScheduleConfig | null = null;
    render(<Harness onValue={(v) => (last = v)} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Interval' }));
    fireEvent.click(screen.getByRole('radio', { name: 'Cron' }));
    const cron = screen.getByLabelText('Cron expression');
    fireEvent.change(cron, { target: { value: '30 8 * * 1-5' } });
    expect(last!.interval_type).toBe('cron');
    expect(last!.interval_cron).toBe('30 8 * * 1-5');
    expect(screen.getByText('Cron: 30 8 * * 1-5')).toBeInTheDocument();
    const items = fireTimes().map((li) => li.textContent);
    expect(items).toHaveLength(5);
    expect(items[0]).toContain('Mon 2025-03-03 08:30');
    expect(items[4]).toContain('Fri 2025-03-07 08:30');
    expect(items[0]).toContain('UTC');
  });

  it('shows what is wrong with an invalid cron expression instead of a preview', () => {
    render(<Harness initial={{ schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 9 * * 1-5' }} />);
    fireEvent.change(screen.getByLabelText('Cron expression'), { target: { value: '61 9 * * *' } });
    const input = screen.getByLabelText('Cron expression');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('alert').textContent).toMatch(/minute|61/i);
    expect(screen.queryByRole('list', { name: 'Next fire times' })).toBeNull();
  });

  it('builds weekly calendar schedules from day chips and a time', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('radio', { name: 'Calendar' }));
    expect(screen.getByText('Daily at 09:00')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Repeat'), { target: { value: 'weekly' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Tue' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Thu' }));
    fireEvent.change(screen.getByLabelText('At (time of day)'), { target: { value: '07:15' } });
    expect(screen.getByText('Weekly on Tue, Thu at 07:15')).toBeInTheDocument();
    expect(fireTimes()[0].textContent).toContain('Tue 2025-03-04 07:15');
  });

  it('uses the preset list and custom intervals', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('radio', { name: 'Interval' }));
    expect(screen.getByText('Every hour')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Every'), { target: { value: '15 minutes' } });
    expect(screen.getByText('Every 15 minutes')).toBeInTheDocument();
    expect(fireTimes()[0].textContent).toContain('10:15');
    fireEvent.click(screen.getByRole('radio', { name: 'Custom' }));
    fireEvent.change(screen.getByLabelText('Every (number)'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: 'hours' } });
    expect(screen.getByText('Every 2 hours')).toBeInTheDocument();
    expect(fireTimes()[0].textContent).toContain('12:00');
  });

  it("shows the API's field errors next to the field they concern", () => {
    render(
      <Harness
        initial={{ schedule_type: 'file_watch', watch_directory: '/nope' }}
        errors={{ 'schedule.watch_directory': 'the directory /nope does not exist' }}
      />,
    );
    const dir = screen.getByLabelText('Directory to watch');
    expect(dir).toHaveAttribute('aria-invalid', 'true');
    expect(dir.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(dir.getAttribute('aria-describedby')!.split(' ')[0])!.textContent).toBe(
      'the directory /nope does not exist',
    );
  });

  it("prefers the scheduler's own preview of a saved schedule", () => {
    const server: FireTime[] = [
      { at: '2025-03-03T08:00:00.000Z', local: '2025-03-03T09:00:00', time_zone: 'Europe/Amsterdam', skipped: null },
    ];
    render(
      <Harness
        initial={{ schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '09:00' }}
        serverPreview={server}
      />,
    );
    expect(fireTimes()).toHaveLength(1);
    expect(fireTimes()[0].textContent).toContain('Europe/Amsterdam');
    expect(screen.getByText('from the scheduler')).toBeInTheDocument();
  });
});
