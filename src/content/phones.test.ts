import { describe, expect, it } from 'vitest';
import { phoneNumbersIn, splitPhoneNumbers } from './phones.js';

const numbers = (text: string) => phoneNumbersIn(text).map((p) => [p.text, p.href]);

describe('phone numbers in running text', () => {
  it('finds UK numbers as staff write them, with their tel: targets', () => {
    expect(numbers('Phone the front door on 020 8227 3811, then follow up in writing.')).toEqual([['020 8227 3811', 'tel:02082273811']]);
    expect(numbers('Give the child 0800 1111 or 0808-800-5000.')).toEqual([['0800 1111', 'tel:08001111'], ['0808-800-5000', 'tel:08088005000']]);
    expect(numbers('From abroad: +44 20 8227 3811 or +44 (0)20 8227 3811.')).toEqual([['+44 20 8227 3811', 'tel:+442082273811'], ['+44 (0)20 8227 3811', 'tel:+442082273811']]);
    expect(numbers('(0300 300 1813)')).toEqual([['0300 300 1813', 'tel:03003001813']]);
  });

  it('finds 999 and the helplines, and 101 or 111 only where they are said as numbers', () => {
    expect(numbers('If a child is in danger, call 999.')).toEqual([['999', 'tel:999']]);
    expect(numbers('Samaritans: 116 123, free.')).toEqual([['116 123', 'tel:116123']]);
    expect(numbers('Call NHS 111 and choose option 2; the police on 101 (or 999).')).toEqual([['111', 'tel:111'], ['101', 'tel:101'], ['999', 'tel:999']]);
    expect(numbers('Meet in Room 101 with 111 pupils.')).toEqual([]);
  });

  it('leaves dates, years, times, prices, postcodes, addresses and web addresses alone', () => {
    expect(numbers('Reviewed on 26 November 2026 at 09:30; cost £1,999; RM10 7BN; ref 2026-11-26; https://example.org/0800-1111 and x@0800.org')).toEqual([]);
    expect(numbers('Case 12345678901234 and 0.999')).toEqual([]);
  });

  it('cuts text into plain pieces and numbers, losing nothing', () => {
    const text = 'Call 999 or 020 8227 3811 now';
    const pieces = splitPhoneNumbers(text);
    expect(pieces.map((p) => (typeof p === 'string' ? p : p.text)).join('')).toBe(text);
    expect(pieces.filter((p) => typeof p !== 'string')).toHaveLength(2);
  });
});
