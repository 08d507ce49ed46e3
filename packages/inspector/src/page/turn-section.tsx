/**
 * One turn of the run view: its heading (its agent after a handoff, duration, finish reason,
 * calls), its trims, every call in detail when open, and the handoff it ended with.
 *
 * @module
 */
import type { HandoffView, TurnView } from '../model/run-timeline.js';
import { CallDetails, HandoffRow } from './call-details.js';
import { formatCount, formatMs } from './format.js';

/** A turn's section. */
export function TurnSection({
  turn,
  showAgent,
  handoffs,
  open,
  onToggle,
  selected,
  onSelect,
}: {
  turn: TurnView;
  /** Whether to name the turn's agent (the run had a handoff). */
  showAgent: boolean;
  /** The handoffs this turn's model called. */
  handoffs: readonly HandoffView[];
  open: boolean;
  onToggle: () => void;
  selected: string | undefined;
  onSelect: (key: string) => void;
}) {
  return (
    <section class={`turn${open ? '' : ' folded'}`} data-turn={turn.turn}>
      <h2>
        <button type="button" class="turn-head" aria-expanded={open} onClick={onToggle}>
          {open ? '▾' : '▸'} Turn {turn.turn}
          {showAgent && turn.agent && (
            <span class="turn-agent" data-testid="turn-agent">
              {' '}
              · {turn.agent}
            </span>
          )}
          <span class="sub">
            {' '}
            · {formatMs(turn.endTs - turn.startTs)}
            {turn.finishReason ? ` · finish ${turn.finishReason}` : ''}
            {turn.tools.length > 0
              ? ` · ${turn.tools.length} tool call${turn.tools.length === 1 ? '' : 's'}`
              : ''}
          </span>
        </button>
      </h2>
      {open && (
        <>
          {turn.trims.map((trim) => (
            <p class="trim" key={trim.ts} data-testid="trim">
              {`✂ context trimmed: ${trim.dropped} message${trim.dropped === 1 ? '' : 's'} dropped${trim.shrunk ? `, ${trim.shrunk} tool output(s) cut` : ''}, ${trim.kept} sent (${formatCount(trim.tokens)} of ${formatCount(trim.maxTokens)} tokens)`}
            </p>
          ))}
          <CallDetails turn={turn} selected={selected} onSelect={onSelect} />
        </>
      )}
      {handoffs.map((handoff) => (
        <HandoffRow handoff={handoff} key={handoff.toolCallId} />
      ))}
    </section>
  );
}
