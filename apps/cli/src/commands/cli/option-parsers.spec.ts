import { InvalidArgumentError } from 'commander';
import { commaList, daysOfWeek, decimal, orNone, timeOfDay, wholeNumber } from './option-parsers';

describe('option value parsers', () => {
  it('wholeNumber accepts whole numbers in range and refuses the rest with the range in the message', () => {
    const p = wholeNumber(1, 10);
    expect(p('1')).toBe(1);
    expect(p(' 10 ')).toBe(10);
    for (const bad of ['0', '11', '1.5', 'abc', '', '1e3', '0x5', '5s']) {
      expect(() => p(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => p('11')).toThrow('expected a whole number from 1 to 10');
  });

  it('decimal accepts decimals, honours an exclusive minimum, and refuses NaN-ish input', () => {
    const p = decimal(0, 100, { exclusiveMin: true });
    expect(p('0.5')).toBe(0.5);
    expect(p('.25')).toBe(0.25);
    expect(p('100')).toBe(100);
    for (const bad of ['0', '-1', '100.1', 'NaN', 'Infinity', '', '1,5'])
      expect(() => p(bad)).toThrow(InvalidArgumentError);
    expect(decimal(0, 10)('0')).toBe(0);
  });

  it('orNone turns none/default/null/"" into null and parses anything else', () => {
    const p = orNone(wholeNumber(1, 5));
    expect(p('none')).toBeNull();
    expect(p('DEFAULT')).toBeNull();
    expect(p('')).toBeNull();
    expect(p('3')).toBe(3);
    expect(() => p('7')).toThrow(InvalidArgumentError);
  });

  it('commaList splits, trims, drops empties and accumulates over repeats', () => {
    expect(commaList('Read, Bash(git status:*) ,', undefined)).toEqual(['Read', 'Bash(git status:*)']);
    expect(commaList('Edit', ['Read'])).toEqual(['Read', 'Edit']);
    expect(commaList('', undefined)).toEqual([]);
  });

  it('timeOfDay takes HH:MM and HH:MM:SS on a 24-hour clock', () => {
    expect(timeOfDay('09:00')).toBe('09:00');
    expect(timeOfDay('23:59:59')).toBe('23:59:59');
    for (const bad of ['9:00', '24:00', '12:60', 'noon', ''])
      expect(() => timeOfDay(bad)).toThrow(InvalidArgumentError);
  });

  it('daysOfWeek maps names, numbers (0 = Monday), ranges and words to sorted API day numbers', () => {
    expect(daysOfWeek('mon,tue')).toEqual([0, 1]);
    expect(daysOfWeek('0,1')).toEqual([0, 1]);
    expect(daysOfWeek('Friday,monday,wed')).toEqual([0, 2, 4]);
    expect(daysOfWeek('mon-fri')).toEqual([0, 1, 2, 3, 4]);
    expect(daysOfWeek('weekend')).toEqual([5, 6]);
    expect(daysOfWeek('weekdays,sun')).toEqual([0, 1, 2, 3, 4, 6]);
    expect(daysOfWeek('6,6,sun')).toEqual([6]);
    for (const bad of ['7', 'funday', 'fri-mon', '', 'mo']) expect(() => daysOfWeek(bad)).toThrow(InvalidArgumentError);
  });
});
