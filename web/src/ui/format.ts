export function formatMs(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const m = Math.floor(total / 60000);
  const s = Math.floor((total % 60000) / 1000);
  const r = total % 1000;
  return `${m}:${String(s).padStart(2, '0')}.${String(r).padStart(3, '0')}`;
}

export function formatUsd(micros: number): string {
  return `$${(micros / 1e6).toFixed(2)}`;
}

export function statusLabel(s: string): string {
  return s.toLowerCase().replace(/_/g, ' ');
}
