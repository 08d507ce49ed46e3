import { jsonSchemaTool, type Tool } from '@agentloop/tools';
import { expectTypeOf, it } from 'vitest';

it('types execute from the type parameter, and keeps the literal name', () => {
  const t = jsonSchemaTool<{ city: string }, string, unknown, 'weather'>({
    name: 'weather',
    description: '',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
    execute: ({ city }) => city.toUpperCase(),
  });
  expectTypeOf(t).toEqualTypeOf<Tool<{ city: string }, string, unknown, 'weather'>>();
  // Without one, the arguments are a record of unknowns.
  jsonSchemaTool({
    name: 'any',
    description: '',
    inputSchema: { type: 'object' },
    execute: (args) => {
      expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
      return 1;
    },
  });
  jsonSchemaTool<{ n: number }>({
    name: 'n',
    description: '',
    inputSchema: { type: 'object' },
    // @ts-expect-error n is a number
    execute: ({ n }) => n.toUpperCase(),
  });
});
