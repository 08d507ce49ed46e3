/**
 * The pieces a call's card is made of: a labelled figure, and a value folded when long.
 *
 * @module
 */
import { useState } from 'preact/hooks';
import { formatCount } from './format.js';

/** Values longer than this are shown folded, with a button to see them whole. */
const FOLD_CHARS = 4000;

/** A figure: its name, its value as shown, and the raw number in `data-value`. */
export function Fact({
  name,
  value,
  raw,
}: {
  name: string;
  value: string;
  raw?: number | string | undefined;
}) {
  return (
    <div>
      <dt>{name}</dt>
      <dd data-field={name} data-value={raw}>
        {value}
      </dd>
    </div>
  );
}

/** A value (arguments, a result, a reply), folded when long. */
export function Value({ label, text, field }: { label: string; text: string; field: string }) {
  const [open, setOpen] = useState(false);
  const folded = !open && text.length > FOLD_CHARS;
  return (
    <div class="value">
      <span class="value-label">{label}</span>
      <pre data-field={field}>{folded ? `${text.slice(0, FOLD_CHARS)}…` : text}</pre>
      {folded && (
        <button type="button" class="more" onClick={() => setOpen(true)}>
          Show all {formatCount(text.length)} characters
        </button>
      )}
    </div>
  );
}
