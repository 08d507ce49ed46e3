/**
 * The pure parts of the MCP adapter: tool names made valid and unique, and call results mapped
 * to what a tool returns (text, structured content, media, faults).
 */
import { McpToolCallError, McpToolContent } from '@agentloop/mcp';
import { TOOL_NAME_PATTERN } from '@agentloop/tools';
import { describe, expect, it } from 'vitest';
import { toolValueOf } from '../../packages/mcp/src/results.js';
import { agentToolNames } from '../../packages/mcp/src/tool-names.js';

describe('agentToolNames', () => {
  it('replaces what models refuse, prefixes on request, and keeps names unique and at most 64 characters', () => {
    const long = 'x'.repeat(80);
    const names = agentToolNames(
      ['read.file', 'read/file', 'list files', '', long, `${long}y`, 'ok-name_1'],
      'my server',
    );
    expect([...names.values()]).toEqual([
      'my_server_read_file',
      'my_server_read_file_2',
      'my_server_list_files',
      'my_server_tool',
      `my_server_${'x'.repeat(54)}`,
      `my_server_${'x'.repeat(52)}_2`,
      'my_server_ok-name_1',
    ]);
    for (const name of names.values()) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(agentToolNames(['a', 'b'], undefined)).toEqual(
      new Map([
        ['a', 'a'],
        ['b', 'b'],
      ]),
    );
  });
});

describe('toolValueOf', () => {
  it('text blocks come back as their text, joined by blank lines', () => {
    const value = toolValueOf(
      {
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      't',
    );
    expect(value).toBe('one\n\ntwo');
  });

  it('structured content wins over its text copy', () => {
    const value = toolValueOf(
      { content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 1 } },
      't',
    );
    expect(value).toEqual({ a: 1 });
  });

  it('isError throws the server text (or says there was none)', () => {
    expect(() =>
      toolValueOf({ content: [{ type: 'text', text: 'no such file' }], isError: true }, 't'),
    ).toThrow(expect.objectContaining({ kind: 'tool_error', message: 'no such file' }));
    let thrown: unknown;
    try {
      toolValueOf({ content: [], isError: true }, 'read_file');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(McpToolCallError);
    expect((thrown as Error).message).toBe(
      'the MCP tool "read_file" reported an error without a message',
    );
  });

  it('media and resources: parts for the model, a summary without base64 for the text', () => {
    const value = toolValueOf(
      {
        content: [
          { type: 'image', data: 'aGVsbG8=', mimeType: 'image/png' },
          { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
          { type: 'audio', data: 'AAAA', mimeType: 'audio/ogg' },
          { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', mimeType: 'text/plain' },
          { type: 'resource', resource: { uri: 'file:///b.txt', text: 'bee' } },
          { type: 'resource', resource: { uri: 'file:///c.bin', blob: 'AAAA' } },
        ],
      },
      't',
    ) as McpToolContent;
    expect(value).toBeInstanceOf(McpToolContent);
    expect(value.parts).toEqual([
      { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } },
      { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
      { type: 'text', text: 'bee' },
    ]);
    expect(JSON.parse(JSON.stringify(value))).toEqual([
      { type: 'image', mimeType: 'image/png', bytes: 5 },
      { type: 'audio', mimeType: 'audio/wav', bytes: 3 },
      { type: 'audio', mimeType: 'audio/ogg', bytes: 3 },
      { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', mimeType: 'text/plain' },
      { type: 'resource', uri: 'file:///b.txt', text: 'bee' },
      { type: 'resource', uri: 'file:///c.bin', bytes: 3 },
    ]);
  });
});
