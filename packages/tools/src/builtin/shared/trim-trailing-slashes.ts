/**
 * Removes the slashes at the end of a text (`/docs///` becomes `/docs`), scanning back from the
 * end once: `text.replace(/\/+$/, '')` retries from every slash of a long run, in quadratic time.
 *
 * @param text - A path or pattern.
 * @returns The text without its trailing slashes.
 */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}
