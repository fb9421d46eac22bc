import { AmbiguousIdError, NotFoundError, ValidationError } from './errors';
import { resolveIdPrefix } from './ids';

const ids = [
  '0a1b2c3d-0000-4000-8000-000000000001',
  '0a1b9999-0000-4000-8000-000000000002',
  'ffff0000-0000-4000-8000-000000000003',
];

describe('resolveIdPrefix', () => {
  it.each([
    ['0a1b2', ids[0]],
    ['FFFF', ids[2]],
    [ids[1], ids[1]],
  ])('resolves %s', (prefix, expected) => {
    expect(resolveIdPrefix(prefix, ids, 'task')).toBe(expected);
  });

  it('reports ambiguity with the candidates', () => {
    expect(() => resolveIdPrefix('0a1b', ids, 'task')).toThrow(AmbiguousIdError);
    expect(() => resolveIdPrefix('0a1b', ids, 'task')).toThrow(/2 tasks match/);
  });

  it('reports unknown prefixes and rejects path-like input', () => {
    expect(() => resolveIdPrefix('abc', ids, 'run')).toThrow(NotFoundError);
    expect(() => resolveIdPrefix('../etc', ids, 'run')).toThrow(ValidationError);
    expect(() => resolveIdPrefix('', ids, 'run')).toThrow(ValidationError);
  });
});
