import { tool } from '@agentloop/tools';
import { z } from 'zod';

/** What `get_time` returns to the model. */
export interface TimeReading {
  timeZone: string;
  /** The local date and time, e.g. `Friday, 22 November 2024 at 14:05`. */
  local: string;
  /** The instant in UTC, ISO 8601. */
  iso: string;
}

/**
 * A tool telling the current date and time in an IANA time zone. It needs no network, so the
 * example runs anywhere; an unknown zone is a tool error the model sees and can correct.
 *
 * @param options - `now`, the clock. @default () => new Date()
 * @returns the `get_time` tool.
 */
export function getTimeTool({ now = () => new Date() }: { now?: () => Date } = {}) {
  return tool({
    name: 'get_time',
    description: 'The current local date and time in an IANA time zone.',
    parameters: z.object({
      timeZone: z
        .string()
        .describe('An IANA time zone such as "Europe/Paris", "Asia/Tokyo" or "UTC".'),
    }),
    execute: ({ timeZone }): TimeReading => {
      let format: Intl.DateTimeFormat;
      try {
        format = new Intl.DateTimeFormat('en-GB', {
          timeZone,
          dateStyle: 'full',
          timeStyle: 'short',
        });
      } catch {
        throw new Error(
          `Unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as "Europe/Paris" or "UTC".`,
        );
      }
      const instant = now();
      return { timeZone, local: format.format(instant), iso: instant.toISOString() };
    },
  });
}
