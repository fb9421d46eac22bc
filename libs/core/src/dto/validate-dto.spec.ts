import { Field, describeField, getDtoFields, isDtoClass } from './dto-field';
import { FieldError, isDtoFailure, summarizeFieldErrors, validateDto } from './validate-dto';

class InnerDto {
  @Field({ type: 'integer', min: 0, max: 10, description: 'n' })
  n?: number;
}

class OuterDto {
  @Field({ type: 'string', nonBlank: true, required: true, description: 'name' })
  name: string;

  @Field({ type: 'string', nullable: true, description: 'note' })
  note?: string | null;

  @Field({ type: 'nested', dto: () => InnerDto, description: 'inner' })
  inner?: InnerDto;

  @Field({ type: 'nested', dto: () => InnerDto, list: true, description: 'items' })
  items?: InnerDto[];

  @Field({ type: 'number', min: 0, exclusiveMin: true, description: 'ratio' })
  ratio?: number;
}

class WithHooksDto {
  @Field({ type: 'string-list', required: true, description: 'xs' })
  xs: string[];

  static preprocess(raw: unknown): unknown {
    return Array.isArray(raw) ? { xs: raw } : raw;
  }

  static crossCheck(dto: WithHooksDto): FieldError[] {
    return dto.xs.includes('bad') ? [{ field: 'xs', message: 'xs must not contain "bad"' }] : [];
  }
}

function errorsOf(body: unknown, cls: new () => object = OuterDto): FieldError[] {
  const r = validateDto(cls, body);
  if (!isDtoFailure(r)) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.errors;
}

describe('validateDto', () => {
  it('returns an instance of the class holding exactly the given fields', () => {
    const r = validateDto(OuterDto, { name: 'a', inner: { n: 3 }, items: [{ n: 1 }, {}] });
    if (isDtoFailure(r)) throw new Error(JSON.stringify(r.errors));
    expect(r.value).toBeInstanceOf(OuterDto);
    expect(r.value.inner).toBeInstanceOf(InnerDto);
    expect(r.value.items?.[1]).toBeInstanceOf(InnerDto);
    expect(Object.keys(r.value).sort()).toEqual(['inner', 'items', 'name']);
    expect(JSON.parse(JSON.stringify(r.value))).toEqual({ name: 'a', inner: { n: 3 }, items: [{ n: 1 }, {}] });
  });

  it('reports a missing required field as required, with what a valid value is', () => {
    expect(errorsOf({})).toEqual([{ field: 'name', message: 'name is required (a non-empty string)' }]);
  });

  it('rejects null for non-nullable fields and accepts it for nullable ones', () => {
    expect(errorsOf({ name: 'a', inner: null })).toEqual([
      { field: 'inner', message: 'inner must be an object (null is not allowed)' },
    ]);
    expect(isDtoFailure(validateDto(OuterDto, { name: 'a', note: null }))).toBe(false);
  });

  it('never converts types implicitly', () => {
    expect(errorsOf({ name: 'a', inner: { n: '3' } })).toEqual([
      { field: 'inner.n', message: 'inner.n must be an integer from 0 to 10' },
    ]);
    expect(errorsOf({ name: 'a', ratio: '0.5' }).map((e) => e.field)).toEqual(['ratio']);
  });

  it('flattens nested and list errors to dotted paths with indices', () => {
    const errors = errorsOf({ name: 'a', items: [{ n: 1 }, { n: 11 }], inner: { n: -1 } });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'items[1].n', message: 'items[1].n must be an integer from 0 to 10' },
        { field: 'inner.n', message: 'inner.n must be an integer from 0 to 10' },
      ]),
    );
    expect(errors).toHaveLength(2);
  });

  it('reports a list item that is not an object once, on the list', () => {
    expect(errorsOf({ name: 'a', items: [{}, 3] })).toEqual([
      { field: 'items', message: 'items must be a list of objects' },
    ]);
  });

  it('rejects unknown fields at every level, suggesting a close known name', () => {
    const errors = errorsOf({ name: 'a', nme: 'x', inner: { m: 1, zzzzzz: 2 } });
    expect(errors).toEqual([
      { field: 'nme', message: 'nme is not a known field; did you mean "name"?' },
      { field: 'inner.m', message: 'inner.m is not a known field; did you mean "n"?' },
      { field: 'inner.zzzzzz', message: 'inner.zzzzzz is not a known field (known fields: n)' },
    ]);
  });

  it("keeps unknown fields, unchecked and unchanged, at every level with unknownFields: 'keep'", () => {
    const input = { name: 'x', extra: { any: [1] }, inner: { n: 1, later: 'field' }, items: [{ n: 2, more: true }] };
    const r = validateDto(OuterDto, input, { unknownFields: 'keep' });
    if (isDtoFailure(r)) throw new Error(summarizeFieldErrors(r.errors));
    expect(JSON.parse(JSON.stringify(r.value))).toEqual(input);
    // The declared fields are still checked strictly.
    const bad = validateDto(OuterDto, { name: 'x', extra: 1, inner: { n: 11 } }, { unknownFields: 'keep' });
    expect(isDtoFailure(bad) && bad.errors.map((e) => e.field)).toEqual(['inner.n']);
  });

  it('explains that server-managed fields cannot be written', () => {
    expect(errorsOf({ name: 'a', id: 'x', created_at: 'y' })).toEqual([
      { field: 'id', message: 'id cannot be set here: ids are assigned by the server' },
      { field: 'created_at', message: 'created_at cannot be set here: timestamps are set by the server' },
    ]);
  });

  it('requires the input to be an object', () => {
    expect(errorsOf([1])).toEqual([{ field: 'body', message: 'the request body must be a JSON object (got a list)' }]);
    expect(errorsOf(undefined)).toEqual([
      { field: 'body', message: 'the request body must be a JSON object (got nothing)' },
    ]);
    expect(validateDto(OuterDto, 'x', { source: 'query' })).toEqual({
      errors: [{ field: 'query', message: 'the query must be a JSON object (got a string)' }],
    });
  });

  it('refuses prototype-changing keys, also nested, without touching any prototype', () => {
    const body: unknown = JSON.parse('{"name":"a","inner":{"__proto__":{"polluted":true}},"constructor":{"x":1}}');
    expect(
      errorsOf(body)
        .map((e) => e.field)
        .sort(),
    ).toEqual(['constructor', 'inner.__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('runs preprocess before and crossCheck after the field checks', () => {
    expect(validateDto(WithHooksDto, ['a', 'b'])).toEqual({
      value: expect.objectContaining({ xs: ['a', 'b'] }) as unknown,
    });
    expect(errorsOf(['bad'], WithHooksDto)).toEqual([{ field: 'xs', message: 'xs must not contain "bad"' }]);
    // crossCheck only sees input whose fields are valid on their own
    expect(errorsOf([1], WithHooksDto)).toEqual([{ field: 'xs', message: 'xs must be a list of strings' }]);
  });
});

describe('field registry', () => {
  it('knows DTO classes and their fields including inherited ones', () => {
    class Child extends OuterDto {
      @Field({ type: 'boolean', description: 'b' })
      extra?: boolean;
    }
    expect(isDtoClass(Child)).toBe(true);
    expect(isDtoClass(Date)).toBe(false);
    expect([...getDtoFields(Child).keys()]).toEqual(['name', 'note', 'inner', 'items', 'ratio', 'extra']);
  });

  it('describes values in words', () => {
    expect(describeField({ type: 'number', min: 0, exclusiveMin: true, max: 5 })).toBe(
      'a number greater than 0 and at most 5',
    );
    expect(describeField({ type: 'integer', min: 1 })).toBe('an integer of at least 1');
    expect(describeField({ type: 'enum', values: ['a', 'b'] })).toBe('one of: a, b');
  });
});

describe('summarizeFieldErrors', () => {
  it('gives the first message and how many more', () => {
    const e = (m: string): FieldError => ({ field: 'f', message: m });
    expect(summarizeFieldErrors([e('one')])).toBe('one');
    expect(summarizeFieldErrors([e('one'), e('two')])).toBe('one (and 1 more problem)');
    expect(summarizeFieldErrors([e('one'), e('two'), e('three')])).toBe('one (and 2 more problems)');
  });
});
