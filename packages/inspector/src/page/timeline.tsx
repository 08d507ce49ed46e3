/**
 * The timeline of a run: one row per model call and per tool call, grouped by turn, as bars on
 * a time axis (parallel tool calls overlap, side by side), with marks for trims, retries,
 * pauses, resumptions and the error. Long idle gaps (a run waiting for an approval) are drawn
 * as narrow breaks. Plain positioned elements: a few thousand bars render in milliseconds, and
 * a click on one selects its call below.
 *
 * @module
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChildRunView, RunTimeline } from '../model/run-timeline.js';
import { buildTimeScale, type Interval, type TimeScale } from '../model/time-scale.js';
import { formatCount, formatMs } from './format.js';
import { useChildRuns } from './tree-context.js';

/** A mark on a row. */
interface Mark {
  ts: number;
  kind: 'trim' | 'retry' | 'interrupt' | 'resume' | 'pause' | 'error' | 'end' | 'handoff';
  label: string;
}

interface Row {
  key: string;
  kind: 'turn' | 'model' | 'tool' | 'handoff' | 'child';
  label: string;
  /** How deep in the run tree: 0 for the run shown, 1 for a run it called, and so on. */
  depth: number;
  bar?: { start: number; end: number; state: string; title: string };
  marks: Mark[];
  /** A child run's row: its id, and whether its rows are shown under it. */
  child?: { runId: string; open: boolean };
}

/** From this many rows on, only the rows in view are built. */
const WINDOW_FROM = 150;
/** The height of a row of a windowed timeline, in CSS pixels (as in style.css). */
const ROW_PX = 20;
/** Rows built above and below the view, so a scroll shows rows at once. */
const OVERSCAN = 15;
const GLYPHS: Record<Mark['kind'], string> = {
  trim: '✂',
  retry: '↻',
  interrupt: '‖',
  resume: '▶',
  pause: '‖',
  error: '✕',
  end: '■',
  handoff: '⇄',
};

/**
 * The rows of a run's timeline, in order: each turn's model and tool calls, a row per handoff
 * after the turn that called it, and under a tool call that started a child run, the child's
 * row (and, when it is open, the child's own rows, one level deeper).
 *
 * @param timeline - the run's timeline (from `buildRunTree`, for its children).
 * @param open - the child runs whose rows are shown.
 */
export function timelineRows(timeline: RunTimeline, open: ReadonlySet<string> = new Set()): Row[] {
  const rows: Row[] = [];
  addRunRows(rows, timeline, open, '', 0);
  return rows;
}

function addRunRows(
  rows: Row[],
  timeline: RunTimeline,
  open: ReadonlySet<string>,
  prefix: string,
  depth: number,
): void {
  if (depth === 0) {
    const runMarks: Mark[] = [];
    for (const segment of timeline.segments) {
      if (segment.resumed) runMarks.push({ ts: segment.startTs, kind: 'resume', label: 'resumed' });
      if (segment.status === 'interrupted') {
        runMarks.push({ ts: segment.endTs, kind: 'pause', label: 'paused for a decision' });
      } else if (segment.status === 'failed') {
        runMarks.push({ ts: segment.endTs, kind: 'error', label: 'failed' });
      } else if (segment.status === 'completed') {
        runMarks.push({ ts: segment.endTs, kind: 'end', label: 'answered' });
      }
    }
    for (const handoff of timeline.handoffs) {
      runMarks.push({ ts: handoff.ts, kind: 'handoff', label: `${handoff.from} → ${handoff.to}` });
    }
    rows.push({ key: 'run', kind: 'turn', label: 'run', depth, marks: runMarks });
  }
  for (const turn of timeline.turns) {
    const turnLabel = `turn ${turn.turn}${timeline.handoffs.length > 0 && turn.agent ? ` · ${turn.agent}` : ''}`;
    rows.push({
      key: `${prefix}turn-${turn.turn}`,
      kind: 'turn',
      label: turnLabel,
      depth,
      bar: { start: turn.startTs, end: turn.endTs, state: 'turn', title: turnLabel },
      marks: turn.trims.map((trim) => ({
        ts: trim.ts,
        kind: 'trim',
        label: `trimmed: ${trim.dropped} messages dropped, ${formatCount(trim.tokens)} of ${formatCount(trim.maxTokens)} tokens`,
      })),
    });
    for (const call of turn.modelCalls) {
      const tokens = call.usage ? ` · ${formatCount(call.usage.totalTokens)} tokens` : '';
      rows.push({
        key: prefix + call.key,
        kind: 'model',
        label: call.model,
        depth,
        bar: {
          start: call.startTs,
          end: call.endTs,
          state: call.status === 'ok' ? 'model' : call.status,
          title: `${call.model} · ${formatMs(call.endTs - call.startTs)}${tokens}${call.finishReason ? ` · ${call.finishReason}` : ''}`,
        },
        marks: call.retries.map((retry) => ({
          ts: retry.ts,
          kind: 'retry',
          label: `retry ${retry.attempt} after ${retry.error.code}`,
        })),
      });
    }
    for (const call of turn.tools) {
      rows.push({
        key: prefix + call.key,
        kind: 'tool',
        label: call.name,
        depth,
        bar: {
          start: call.startTs,
          end: call.endTs,
          state: call.outcome,
          title: `${call.name} · ${call.outcome}${call.durationMs !== undefined ? ` · ${formatMs(call.durationMs)}` : ''}`,
        },
        marks:
          call.interruptedTs !== undefined
            ? [{ ts: call.interruptedTs, kind: 'interrupt', label: 'waits for a decision' }]
            : [],
      });
      for (const child of call.children ?? []) addChildRows(rows, child, open, depth + 1);
    }
    timeline.handoffs.forEach((handoff, index) => {
      if (handoff.turn !== turn.turn) return;
      const label = `${handoff.from} → ${handoff.to}`;
      rows.push({
        key: `${prefix}handoff-${index}`,
        kind: 'handoff',
        label,
        depth,
        marks: [
          { ts: handoff.ts, kind: 'handoff', label: `handoff in turn ${handoff.turn}: ${label}` },
        ],
      });
    });
  }
  for (const child of timeline.children) addChildRows(rows, child, open, depth + 1);
}

function addChildRows(
  rows: Row[],
  child: ChildRunView,
  open: ReadonlySet<string>,
  depth: number,
): void {
  const isOpen = open.has(child.runId);
  const tokens = child.summary.tree?.tokens.total ?? child.summary.tokens.total;
  rows.push({
    key: `child:${child.runId}`,
    kind: 'child',
    label: child.agent,
    depth,
    bar: {
      start: child.timeline.startTs,
      end: child.timeline.endTs,
      state: child.status === 'completed' ? 'child' : child.status,
      title: `${child.path.join(' › ')} · ${child.status} · ${child.summary.turns} turns · ${formatCount(tokens)} tokens`,
    },
    marks: [],
    child: { runId: child.runId, open: isOpen },
  });
  if (isOpen) addRunRows(rows, child.timeline, open, `${child.runId}/`, depth);
}

/** The timeline chart. */
export function Timeline({
  timeline,
  selected,
  onSelect,
}: {
  timeline: RunTimeline;
  selected: string | undefined;
  onSelect: (key: string) => void;
}) {
  const children = useChildRuns();
  const { rows, scale } = useMemo(() => {
    const rows = timelineRows(timeline, children.open);
    const activity: Interval[] = rows
      .filter((row) => row.kind !== 'turn' && row.bar)
      .map((row) => [row.bar?.start ?? 0, row.bar?.end ?? 0]);
    return { rows, scale: buildTimeScale(timeline.startTs, timeline.endTs, activity) };
  }, [timeline, children.open]);
  // Many rows: only those in (or near) the scrolled view are built, each at its place.
  const windowed = rows.length > WINDOW_FROM;
  const body = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const first = windowed ? Math.max(0, Math.floor(view.top / ROW_PX) - OVERSCAN) : 0;
  const last = windowed
    ? Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_PX) + OVERSCAN)
    : rows.length;
  useEffect(() => {
    const element = body.current;
    if (element && windowed) setView({ top: element.scrollTop, height: element.clientHeight });
  }, [windowed]);
  useEffect(() => {
    // A call selected below: bring its row into the timeline's view.
    const element = body.current;
    const index = rows.findIndex((row) => row.key === selected);
    if (!element || !windowed || index < 0) return;
    const top = index * ROW_PX;
    if (top < element.scrollTop || top + ROW_PX > element.scrollTop + element.clientHeight) {
      element.scrollTop = Math.max(0, top - element.clientHeight / 2);
    }
  }, [selected, rows, windowed]);
  const row = (item: Row, index: number) => (
    <TimelineRow
      row={item}
      scale={scale}
      selected={item.key === selected}
      onSelect={onSelect}
      onToggle={children.toggle}
      top={windowed ? index * ROW_PX : undefined}
      key={item.key}
    />
  );
  return (
    <section class="timeline" data-testid="timeline">
      <div class="tl-row tl-axis">
        <div class="tl-label">{formatMs(timeline.endTs - timeline.startTs)} in all</div>
        <div class="tl-track">
          {scale.ticks.map((tick) => (
            <span class="tick" style={{ left: pct(tick.at) }} key={tick.ms}>
              {formatMs(tick.ms)}
            </span>
          ))}
          {scale.breaks.map((gap) => (
            <span
              class="break-label"
              style={{ left: pct(gap.from) }}
              key={gap.from}
              data-testid="time-break"
              title={`${formatMs(gap.hiddenMs)} without activity, drawn narrow`}
            >
              ⋯ {formatMs(gap.hiddenMs)}
            </span>
          ))}
        </div>
      </div>
      <div
        class={`tl-body${windowed ? ' windowed' : ''}`}
        ref={body}
        data-rows={rows.length}
        onScroll={(event) => {
          const element = event.currentTarget;
          setView({ top: element.scrollTop, height: element.clientHeight });
        }}
      >
        <div class="tl-rows" style={windowed ? { height: `${rows.length * ROW_PX}px` } : undefined}>
          <Grid scale={scale} />
          {rows.slice(first, last).map((item, index) => row(item, first + index))}
        </div>
      </div>
      <Legend />
    </section>
  );
}

function Grid({ scale }: { scale: TimeScale }) {
  return (
    <div class="tl-grid" aria-hidden="true">
      {scale.ticks.map((tick) => (
        <span class="gridline" style={{ left: pct(tick.at) }} key={tick.ms} />
      ))}
      {scale.breaks.map((gap) => (
        <span
          class="gridbreak"
          style={{ left: pct(gap.from), width: pct(gap.to - gap.from) }}
          key={gap.from}
        />
      ))}
    </div>
  );
}

function TimelineRow({
  row,
  scale,
  selected,
  onSelect,
  onToggle,
  top,
}: {
  row: Row;
  scale: TimeScale;
  selected: boolean;
  onSelect: (key: string) => void;
  onToggle: (runId: string) => void;
  /** Its place in a windowed timeline. */
  top: number | undefined;
}) {
  const bar = row.bar;
  const x0 = bar ? scale.at(bar.start) : 0;
  const x1 = bar ? scale.at(bar.end) : 0;
  return (
    <div
      class={`tl-row tl-${row.kind}${selected ? ' selected' : ''}`}
      data-row={row.key}
      data-depth={row.depth}
      style={top === undefined ? undefined : { top: `${top}px` }}
    >
      <div
        class="tl-label"
        title={row.label}
        style={row.depth > 0 ? { paddingLeft: `${12 + row.depth * 14}px` } : undefined}
      >
        {row.child ? (
          <button
            type="button"
            class="tl-toggle"
            aria-expanded={row.child.open}
            data-testid="timeline-child-toggle"
            data-run-id={row.child.runId}
            onClick={() => onToggle(row.child?.runId ?? '')}
          >
            {row.child.open ? '▾' : '▸'} ↳ {row.label}
          </button>
        ) : row.kind === 'handoff' ? (
          <span data-testid="timeline-handoff">⇄ {row.label}</span>
        ) : (
          row.label
        )}
      </div>
      <div class="tl-track">
        {bar && (
          <button
            type="button"
            class={`bar ${row.kind} ${bar.state}`}
            // A bar too short to see keeps its few pixels inside the track, even at the end.
            style={{ left: `min(${pct(x0)}, calc(100% - 3px))`, width: pct(x1 - x0) }}
            title={bar.title}
            data-key={row.key}
            data-kind={row.kind}
            data-state={bar.state}
            data-start={bar.start}
            data-end={bar.end}
            onClick={() => (row.child ? onToggle(row.child.runId) : onSelect(row.key))}
          />
        )}
        {row.marks.map((mark, index) => (
          <span
            class={`mark ${mark.kind}`}
            style={{ left: `min(${pct(scale.at(mark.ts))}, calc(100% - 6px))` }}
            title={mark.label}
            data-mark={mark.kind}
            key={`${mark.kind}-${mark.ts}-${index}`}
          >
            {GLYPHS[mark.kind]}
          </span>
        ))}
      </div>
    </div>
  );
}

function Legend() {
  const items: Array<[string, string]> = [
    ['model', 'model call'],
    ['ok', 'tool ok'],
    ['fault', 'fault'],
    ['timeout', 'timeout'],
    ['denied', 'denied'],
    ['interrupted', 'waits for a decision'],
    ['aborted', 'cut short'],
    ['running', 'running'],
    ['child', 'agent called as a tool'],
  ];
  return (
    <p class="legend">
      {items.map(([state, label]) => (
        <span key={state}>
          <i class={`swatch ${state}`} /> {label}
        </span>
      ))}
      <span>✂ trim</span>
      <span>↻ retry</span>
      <span>‖ pause</span>
      <span>▶ resume</span>
      <span>✕ error</span>
      <span>⇄ handoff</span>
    </p>
  );
}

function pct(fraction: number): string {
  return `${(Math.max(0, Math.min(1, fraction)) * 100).toFixed(3)}%`;
}
