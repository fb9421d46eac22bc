import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Controller, Get, Inject, Param, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ValidationError } from '@ccs/core';
import { API_OPTIONS } from './tokens';
import { dashboardMissing } from './dashboard';
import type { ApiServerOptions } from './api-server';

/** Panels of the dashboard, as the original's UI inspection endpoints named them. */
export const UI_PANELS = ['jobs', 'task_list', 'task_editor', 'runs', 'logs', 'window', 'all'] as const;
export type UiPanel = (typeof UI_PANELS)[number];

/** The panes the dashboard marks with `data-panel`, left to right, top to bottom. */
const PANES = ['jobs', 'task_list', 'task_editor', 'runs', 'logs'] as const;
type Pane = (typeof PANES)[number];
const PANE_LETTER: Record<Pane, string> = { jobs: 'J', task_list: 'T', task_editor: 'E', runs: 'R', logs: 'L' };
/** Below these widths/heights (CSS px) the pane's content is cramped; the original's suggestions used the same idea. */
const PANE_MIN: Record<Pane, { width: number; height: number }> = {
  jobs: { width: 180, height: 200 },
  task_list: { width: 240, height: 200 },
  task_editor: { width: 340, height: 300 },
  runs: { width: 300, height: 150 },
  logs: { width: 300, height: 150 },
};

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Flags for a headless Chromium that talks to nothing but the dashboard. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORT = { width: 1450, height: 900 };

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PaneGeometry {
  panel: Pane;
  rect: Rect | null;
  /** Child elements whose content is cut off (scroll size larger than the box, overflow hidden). */
  clipped: string[];
}

export interface LayoutAnalysis {
  viewport: { width: number; height: number };
  panels: PaneGeometry[];
  overlaps: { a: Pane; b: Pane; area: number; severity: 'minor' | 'major' }[];
  grid: string[];
  suggestions: string[];
}

function intersection(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Turns measured pane rectangles into the analysis the original's `/api/ui/analysis` gave: overlaps with a
 * severity, an 80×20 character grid (one letter per pane, X where panes overlap, `.` for nothing) and
 * suggestions. Pure, so it is tested without a browser.
 */
export function analyseLayout(viewport: { width: number; height: number }, panels: PaneGeometry[]): LayoutAnalysis {
  const overlaps: LayoutAnalysis['overlaps'] = [];
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      const a = panels[i];
      const b = panels[j];
      if (!a.rect || !b.rect) continue;
      const area = Math.round(intersection(a.rect, b.rect));
      if (area > 0) {
        const smaller = Math.min(a.rect.width * a.rect.height, b.rect.width * b.rect.height);
        overlaps.push({ a: a.panel, b: b.panel, area, severity: area > smaller * 0.05 ? 'major' : 'minor' });
      }
    }
  }
  const cols = 80;
  const rows = 20;
  const grid: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const x = ((c + 0.5) * viewport.width) / cols;
      const y = ((r + 0.5) * viewport.height) / rows;
      const hits = panels.filter(
        (p) => p.rect && x >= p.rect.x && x < p.rect.x + p.rect.width && y >= p.rect.y && y < p.rect.y + p.rect.height,
      );
      line += hits.length === 0 ? '.' : hits.length > 1 ? 'X' : PANE_LETTER[hits[0].panel];
    }
    grid.push(line);
  }
  const suggestions: string[] = [];
  for (const p of panels) {
    if (!p.rect) {
      suggestions.push(`${p.panel} is not on screen: show it again (the jobs pane can be hidden from the toolbar)`);
      continue;
    }
    const min = PANE_MIN[p.panel];
    if (p.rect.width < min.width)
      suggestions.push(
        `${p.panel} is ${Math.round(p.rect.width)} px wide: drag its divider to at least ${min.width} px`,
      );
    if (p.rect.height < min.height)
      suggestions.push(
        `${p.panel} is ${Math.round(p.rect.height)} px high: drag the divider to at least ${min.height} px`,
      );
    if (p.clipped.length > 0) suggestions.push(`${p.panel} cuts off ${p.clipped.length} element(s): widen it`);
  }
  for (const o of overlaps) suggestions.push(`${o.a} and ${o.b} overlap by ${o.area} px²: reset the layout`);
  return { viewport, panels, overlaps, grid, suggestions };
}

/**
 * Runs in the page (kept as text: the server's TypeScript has no DOM types). Measures each pane and lists the
 * labelled children whose content is cut off.
 */
const MEASURE_PANES = `(panes) => panes.map((panel) => {
  const el = document.querySelector('[data-panel="' + panel + '"]');
  if (!el) return { panel, rect: null, clipped: [] };
  const r = el.getBoundingClientRect();
  const clipped = [];
  el.querySelectorAll('button, label, h2, .badge').forEach((c) => {
    if (c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflow !== 'visible') {
      clipped.push((c.getAttribute('aria-label') || c.textContent || c.tagName).trim().slice(0, 40));
    }
  });
  return { panel, rect: { x: r.x, y: r.y, width: r.width, height: r.height }, clipped };
})`;

type PlaywrightModule = typeof import('playwright-core');

/**
 * Renders the dashboard in a headless Chromium (playwright-core, Debian's `chromium`). One render at a time: each
 * launches a browser with a fresh profile directory and closes it, so nothing stays running between requests.
 */
export class DashboardRenderer {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: Pick<ApiServerOptions, 'publicUrl' | 'apiToken' | 'dashboard' | 'chromiumPath'>,
  ) {}

  get chromiumPath(): string {
    return this.options.chromiumPath || DEFAULT_CHROMIUM_PATH;
  }

  /** What is missing for rendering, in words a user can act on; null when everything is there. */
  async missing(): Promise<string | null> {
    if (!this.options.dashboard) return dashboardMissing();
    if (!fs.existsSync(this.chromiumPath)) {
      return `No Chromium at ${this.chromiumPath}: install it with \`apt-get install -y chromium\` (Debian/Ubuntu) or point chromiumPath at one.`;
    }
    if (!(await this.playwright())) {
      return 'playwright-core is not installed: run `npm install playwright-core` in the scheduler’s directory.';
    }
    return null;
  }

  private async playwright(): Promise<PlaywrightModule | null> {
    try {
      return await import('playwright-core');
    } catch {
      return null;
    }
  }

  /** Runs `fn` with a page showing the dashboard, ready (its data loaded). Serialised. */
  withPage<T>(theme: 'light' | 'dark' | null, fn: (page: import('playwright-core').Page) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const problem = await this.missing();
      if (problem) throw new ServiceUnavailableException(problem);
      const pw = (await this.playwright())!;
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-ui-chromium-'));
      const context = await pw.chromium.launchPersistentContext(profile, {
        executablePath: this.chromiumPath,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: VIEWPORT,
        colorScheme: theme ?? 'no-preference',
        extraHTTPHeaders: this.options.apiToken ? { authorization: `Bearer ${this.options.apiToken}` } : undefined,
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`${this.options.publicUrl}/`, { waitUntil: 'load', timeout: 20_000 });
        await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
        return await fn(page);
      } finally {
        await context.close().catch(() => undefined);
        fs.rmSync(profile, { recursive: true, force: true });
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async screenshot(panel: UiPanel, theme: 'light' | 'dark' | null): Promise<Buffer> {
    return this.withPage(theme, async (page) => {
      if (panel === 'window') return page.screenshot({ type: 'png' });
      if (panel === 'all') return page.screenshot({ type: 'png', fullPage: true });
      const pane = page.locator(`[data-panel="${panel}"]`).first();
      if ((await pane.count()) === 0) {
        throw new ServiceUnavailableException(`The ${panel} panel is not on screen (is it hidden in the dashboard?)`);
      }
      return pane.screenshot({ type: 'png' });
    });
  }

  async analyse(): Promise<LayoutAnalysis> {
    return this.withPage(null, async (page) => {
      const measured = await page.evaluate<PaneGeometry[]>(`(${MEASURE_PANES})(${JSON.stringify(PANES)})`);
      return analyseLayout(VIEWPORT, measured);
    });
  }
}

/**
 * UI inspection (`/api/ui…`): the dashboard's layout, a layout analysis and PNG screenshots rendered by a headless
 * Chromium. Without Chromium (or without a built dashboard) the rendering endpoints answer 503 saying what to
 * install.
 */
@ApiTags('ui')
@Controller('api/ui')
export class UiController {
  private readonly renderer: DashboardRenderer;

  constructor(@Inject(API_OPTIONS) private readonly options: ApiServerOptions) {
    // The same options object: createApiServer fills in publicUrl after listen(), and the renderer reads it late.
    this.renderer = new DashboardRenderer(options);
  }

  @Get()
  async describe() {
    const missing = await this.renderer.missing();
    return {
      dashboard: this.options.dashboard ? { served_at: '/', directory: this.options.dashboard } : null,
      dashboard_hint: this.options.dashboard ? null : 'not built: run `make web`, then restart',
      window: { title: 'Claude Code Scheduler', min_size: { width: 1250, height: 800 }, default_size: VIEWPORT },
      layout: {
        direction: 'horizontal',
        panes: [
          { panel: 'jobs', label: 'Jobs', resizable: true, default_width: 220 },
          { panel: 'task_list', label: 'Tasks', resizable: true, default_width: 290 },
          { panel: 'task_editor', label: 'Task editor', resizable: true, default_width: 440 },
          {
            direction: 'vertical',
            resizable: true,
            panes: [
              { panel: 'runs', label: 'Runs' },
              { panel: 'logs', label: 'Logs', tabs: ['live', 'output', 'raw', 'errors'] },
            ],
          },
        ],
        dialogs: ['job', 'profiles', 'settings', 'occurrences', 'nodes (daemon)', 'stats (daemon)', 'confirm'],
      },
      shortcuts: {
        'Ctrl/Cmd+N': 'new task',
        'Ctrl/Cmd+R': 'run the selected task now',
        'Ctrl/Cmd+D': 'duplicate the selected task',
        Delete: 'delete the selected task (asks first)',
        'Ctrl/Cmd+Shift+N': 'new job',
        'Ctrl/Cmd+Shift+R': 'run the selected job',
        'Ctrl/Cmd+,': 'settings',
      },
      panels: UI_PANELS,
      screenshots: missing
        ? { available: false, reason: missing }
        : { available: true, chromium: this.renderer.chromiumPath },
    };
  }

  @Get('analysis')
  async analysis() {
    return this.renderer.analyse();
  }

  @Get('screenshot/:panel')
  async screenshot(
    @Param('panel') panel: string,
    @Query('theme') theme: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    if (!(UI_PANELS as readonly string[]).includes(panel)) {
      throw new ValidationError(`Unknown panel "${panel}": use one of ${UI_PANELS.join(', ')}`, [
        { field: 'panel', message: `one of ${UI_PANELS.join(', ')}` },
      ]);
    }
    if (theme !== undefined && theme !== 'light' && theme !== 'dark') {
      throw new ValidationError('theme must be light or dark', [{ field: 'theme', message: 'light or dark' }]);
    }
    const png = await this.renderer.screenshot(panel as UiPanel, theme ?? null);
    await reply.type('image/png').header('cache-control', 'no-store').send(png);
  }
}
