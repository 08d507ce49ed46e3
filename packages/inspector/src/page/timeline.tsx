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
import type { RunTimeline } from '../model/run-timeline.js';
import { buildTimeScale, type Interval, type TimeScale } from '../model/time-scale.js';
import { formatMs } from './format.js';
import { type Mark, type Row, timelineRows } from './timeline-rows.js';
import { useChildRuns } from './tree-context.js';

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
