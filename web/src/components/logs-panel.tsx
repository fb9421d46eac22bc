'use client';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, humanError } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { errorLines, rawLines } from '@/lib/log-format';
import type { RunDetail } from '@/lib/types';
import { ErrorBanner, cx } from './ui';

type Tab = 'live' | 'output' | 'raw' | 'errors';

export function LogsPanel() {
  const { state, liveLog, clearLive } = useDashboard();
  const runId = state.selectedRunId;
  const run = state.runs.find((r) => r.id === runId) ?? null;
  const [tab, setTab] = useState<Tab>('live');
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [autoScroll, setAutoScroll] = useState(true);
  const [copied, setCopied] = useState(false);
  const [cleared, setCleared] = useState<Partial<Record<Tab, string>>>({});
  const body = useRef<HTMLPreElement>(null);
  const running = run?.status === 'running' || run?.status === 'upcoming';

  useEffect(() => {
    if (state.settings) setAutoScroll(state.settings.auto_scroll_logs);
  }, [state.settings]);

  // The run's stored output: loaded when it is selected and again when it ends.
  useEffect(() => {
    setDetail(null);
    setError(null);
    setCleared({});
    if (!runId) return;
    let cancelled = false;
    api
      .get<{ run: RunDetail }>(`/api/runs/${runId}`)
      .then(({ run: d }) => {
        if (cancelled) return;
        setDetail(d);
        // A run that was already going when the page opened: fill Live with what it wrote so far.
        const log = liveLog(runId);
        if (log.lines.length === 0 && d.raw_output) log.pushRaw(d.raw_output);
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(humanError(err, 'load the run'));
      });
    return () => {
      cancelled = true;
    };
  }, [runId, run?.status, liveLog]);

  // Live is where a running run's output appears; a finished run opens on Output.
  const lastRun = useRef<string | null>(null);
  useEffect(() => {
    if (runId && lastRun.current !== runId) {
      lastRun.current = runId;
      setTab(running ? 'live' : 'output');
    }
  }, [runId, running]);

  const live = runId ? liveLog(runId) : null;
  const errors = errorLines(detail?.errors ?? run?.errors);
  const text: Record<Tab, string> = {
    live: live ? live.text() : '',
    output: detail?.output ?? '',
    raw: rawLines(detail?.raw_output).join('\n'),
    errors: errors.join('\n'),
  };

  useLayoutEffect(() => {
    if (autoScroll && body.current) body.current.scrollTop = body.current.scrollHeight;
  }, [autoScroll, tab, state.liveTick, detail]);

  const tabs: { id: Tab; label: string }[] = [
    { id: 'live', label: 'Live' },
    { id: 'output', label: 'Output' },
    { id: 'raw', label: 'Raw' },
    { id: 'errors', label: `Errors (${errors.length})` },
  ];
  const title = run ? `${running ? 'Live' : 'Logs'}: ${run.task_name}` : 'Logs';

  const content = (): React.ReactNode => {
    if (!runId) return <span className="muted">Select a run to see its output.</span>;
    if (cleared[tab] !== undefined && cleared[tab] === text[tab]) return <span className="muted">Cleared.</span>;
    if (tab === 'live') {
      if (!live || live.lines.length === 0)
        return (
          <span className="muted">
            {running ? 'Waiting for output…' : 'No live output was received for this run. See Output.'}
          </span>
        );
      return live.lines.map((l) => (
        <span key={l.n} className={cx('log-line', `log-${l.kind}`)}>
          {l.text}
          {'\n'}
        </span>
      ));
    }
    if (!detail) return <span className="muted">Loading…</span>;
    if (!text[tab]) {
      const what = tab === 'errors' ? 'No errors.' : running ? 'Fills in when the run ends.' : 'Nothing recorded.';
      return <span className="muted">{what}</span>;
    }
    if (tab !== 'errors' && detail.output_tail?.truncated) {
      // A large run: the API sends the last part only; the whole log streams from /api/runs/{id}/logs.
      return (
        <>
          <span className="muted">
            {`[The last part of ${detail.output_tail.raw_size} bytes of output. All of it: ${detail.output_tail.more}]`}
            {'\n'}
          </span>
          {text[tab]}
        </>
      );
    }
    if (tab === 'errors')
      return errors.map((l, i) => (
        <span key={i} className="log-line log-error">
          {l + '\n'}
        </span>
      ));
    return text[tab];
  };

  return (
    <section className="pane logs" data-panel="logs" aria-labelledby="logs-title">
      <header className="pane-head">
        <h2 id="logs-title" title={title}>
          {running && <span className="pulse" aria-hidden />}
          {title}
        </h2>
        <span className="head-actions">
          <label className="check small">
            <input type="checkbox" checked={autoScroll} onChange={(e) => setAutoScroll(e.target.checked)} />
            Auto-scroll
          </label>
          <button
            type="button"
            className="btn btn-small"
            disabled={!text[tab]}
            onClick={() => {
              void navigator.clipboard
                ?.writeText(text[tab])
                .then(() => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1500);
                })
                .catch(() =>
                  setError('Could not copy: the browser refused clipboard access (use Ctrl+C on a selection).'),
                );
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!runId}
            onClick={() => {
              if (!runId) return;
              if (tab === 'live') clearLive(runId);
              else setCleared((c) => ({ ...c, [tab]: text[tab] }));
            }}
          >
            Clear
          </button>
        </span>
      </header>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <div
        className="tabs"
        role="tablist"
        aria-label="Log views"
        onKeyDown={(e) => {
          // One tab stop; the arrow keys (and Home/End) move to another tab and show it.
          const at = tabs.findIndex((t) => t.id === tab);
          const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
          if (to === undefined) return;
          e.preventDefault();
          const next = tabs[(to + tabs.length) % tabs.length].id;
          setTab(next);
          document.getElementById(`tab-${next}`)?.focus();
        }}
      >
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            aria-selected={tab === t.id}
            aria-controls="log-view"
            className={cx('tab', tab === t.id && 'on', t.id === 'errors' && errors.length > 0 && 'has-errors')}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
        {run?.session_id && (
          <span
            className="tab-extra muted small mono"
            title={`Claude session ${run.session_id} (claude --resume ${run.session_id})`}
          >
            session {run.session_id.slice(0, 8)}
          </span>
        )}
      </div>
      <pre ref={body} id="log-view" role="tabpanel" aria-labelledby={`tab-${tab}`} className="log-view" tabIndex={0}>
        {content()}
      </pre>
    </section>
  );
}
