import { describe, expect, it } from 'vitest';
import { msAt, peaks } from './waveform';

describe('peaks', () => {
  it('gives min and max of each equal slice', () => {
    expect(peaks([0, 1, -1, 0.5, 0.2, -0.3, 0, 0], 4)).toEqual([
      [0, 1],
      [-1, 0.5],
      [-0.3, 0.2],
      [0, 0],
    ]);
  });
  it('handles more buckets than samples and empty input', () => {
    expect(peaks([0.5], 3)).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(peaks([], 3)).toEqual([]);
  });
});

describe('msAt', () => {
  it('maps pixels to song time and clamps', () => {
    expect(msAt(50, 200, 20000)).toBe(5000);
    expect(msAt(-5, 200, 20000)).toBe(0);
    expect(msAt(500, 200, 20000)).toBe(20000);
  });
});
