// Peaks of a mono signal for drawing a waveform: `buckets` pairs of
// (min, max), each over an equal slice of the samples. Pure.
export function peaks(samples: ArrayLike<number>, buckets: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const n = samples.length;
  if (n === 0 || buckets <= 0) return out;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * n) / buckets));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to && i < n; i++) {
      const v = samples[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out.push([lo === Infinity ? 0 : lo, hi === -Infinity ? 0 : hi]);
  }
  return out;
}

/** Milliseconds at pixel x of a track `width` px wide showing `songMs`. */
export function msAt(x: number, width: number, songMs: number): number {
  if (width <= 0) return 0;
  return Math.round(Math.min(1, Math.max(0, x / width)) * songMs);
}
