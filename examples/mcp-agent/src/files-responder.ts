import type { ModelRequest } from '@agentloop/core';
import type { ScriptedReplyObject } from '@agentloop/core/testing';
import {
  currentToolResults,
  faultReason,
  jsonOutput,
  lastUserText,
  type ToolResult,
} from '@agentloop-examples/shared';

/** Words too common to match a question with a line of the notes. */
const COMMON = new Set(
  'a an the is are do does can how what which who why when where of to in on for and or with my i it be'.split(
    ' ',
  ),
);

/** The words of a question worth looking for: lowercased, common ones left out. */
function keywords(question: string): string[] {
  return (question.toLowerCase().match(/[a-z0-9.@/-]+/g) ?? [])
    .map((word) => word.replace(/[.?!]+$/, ''))
    .filter((word) => word.length > 2 && !COMMON.has(word));
}

/**
 * The text of a filesystem tool's result: its structured content `{ content }`, which the
 * model reads as JSON.
 */
function textOf(result: ToolResult): string | undefined {
  return jsonOutput<{ content: string }>(result)?.content;
}

/** The file names a `list_directory` result lists (`[FILE] notes.md`). */
function filesListed(result: ToolResult): string[] {
  return [...(textOf(result) ?? '').matchAll(/\[FILE\] (.+)/g)].map((m) => (m[1] ?? '').trim());
}

/** The answer a careful reader would write: the lines that match the question, with their file. */
function answer(question: string, reads: readonly ToolResult[]): string {
  const words = keywords(question);
  const found: string[] = [];
  const failed: string[] = [];
  for (const read of reads) {
    const path = (read.args as { path?: string }).path ?? '';
    const file = path.split('/').at(-1) ?? path;
    const text = textOf(read);
    if (text === undefined) {
      failed.push(`${file}: ${faultReason(read)}`);
      continue;
    }
    for (const line of text.split('\n')) {
      const lower = line.toLowerCase();
      if (!line.startsWith('#') && words.some((word) => lower.includes(word))) {
        found.push(`• ${line.trim()} (${file})`);
      }
    }
  }
  const lines =
    found.length > 0
      ? ['From your notes:', ...found]
      : [`Your notes say nothing about "${question}".`];
  if (failed.length > 0) lines.push(`I could not read: ${failed.join('; ')}`);
  return lines.join('\n');
}

/**
 * The offline stand-in for a model, for the MCP agent: it lists the folder it was told about
 * (`fs_list_directory`), reads every file the listing shows (`fs_read_text_file`, all in one
 * turn), then answers with the lines that mention the question's words.
 *
 * @param folder - the folder to look in (the one the filesystem server was given).
 * @returns the responder for `ScriptedModel`.
 */
export function filesResponder(
  folder: string,
): (request: ModelRequest) => string | ScriptedReplyObject {
  return (request) => {
    const question = lastUserText(request);
    const results = currentToolResults(request);
    const reads = results.filter((r) => r.name === 'fs_read_text_file');
    if (reads.length > 0) return answer(question, reads);
    const listing = results.find((r) => r.name === 'fs_list_directory');
    if (listing === undefined) {
      return { toolCalls: [{ name: 'fs_list_directory', arguments: { path: folder } }] };
    }
    if (!listing.ok) return `I could not list the folder: ${faultReason(listing)}`;
    const files = filesListed(listing);
    if (files.length === 0) return 'The folder is empty.';
    return {
      toolCalls: files.map((file) => ({
        name: 'fs_read_text_file',
        arguments: { path: `${folder}/${file}` },
      })),
    };
  };
}
