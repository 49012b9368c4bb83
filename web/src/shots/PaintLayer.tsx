// One painted layer of the motion brush: a canvas at the image's size over
// it, painted in `colour` with the pointer while `active`. After each
// stroke it hands back the layer as a mask: a PNG (raw base64, no data:
// prefix) white where painted and black elsewhere, or null when nothing is
// painted. A mask that comes in (from the server) is drawn back in colour.
import { useEffect, useRef, type PointerEvent } from 'react';

const PREFIX = 'data:image/png;base64,';

export function PaintLayer(props: {
  label: string;
  mask: string | null;
  colour: string;
  width: number;
  height: number;
  radius: number; // screen pixels
  active: boolean;
  onPainted: (mask: string | null) => void;
}) {
  const { label, mask, colour, width, height, radius, active, onPainted } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  // What the canvas holds ("<w>x<h>:<mask>"): a resize clears a canvas.
  const shown = useRef(`${width}x${height}:`);

  useEffect(() => {
    const c = canvas.current;
    const key = `${width}x${height}:${mask ?? ''}`;
    if (!c || key === shown.current) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    shown.current = key;
    ctx.clearRect(0, 0, c.width, c.height);
    if (!mask) return;
    const img = new Image();
    img.onload = () => {
      if (shown.current !== key) return;
      ctx.drawImage(img, 0, 0, c.width, c.height);
      // White (the region) becomes the layer's colour; black, transparent.
      const data = ctx.getImageData(0, 0, c.width, c.height);
      const [r, g, b] = rgb(colour);
      const px = data.data;
      for (let i = 0; i < px.length; i += 4) {
        const inside = px[i]! + px[i + 1]! + px[i + 2]! >= 3 * 128;
        px[i] = inside ? r : 0;
        px[i + 1] = inside ? g : 0;
        px[i + 2] = inside ? b : 0;
        px[i + 3] = inside ? 255 : 0;
      }
      ctx.putImageData(data, 0, 0);
    };
    img.src = PREFIX + mask;
  }, [mask, colour, width, height]);

  const paint = (e: PointerEvent<HTMLCanvasElement>) => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !drawing.current) return;
    const box = c.getBoundingClientRect();
    const scale = c.width / box.width;
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc((e.clientX - box.left) * scale, ((e.clientY - box.top) * c.height) / box.height, radius * scale, 0, Math.PI * 2);
    ctx.fill();
  };
  const finish = () => {
    if (!drawing.current) return;
    drawing.current = false;
    const next = exportMask(canvas.current);
    shown.current = `${width}x${height}:${next ?? ''}`;
    onPainted(next);
  };

  return (
    <canvas
      ref={canvas}
      className="paint-layer"
      width={width}
      height={height}
      aria-label={label}
      data-active={active}
      style={{ pointerEvents: active ? 'auto' : 'none', opacity: 0.45, cursor: 'crosshair' }}
      onPointerDown={(e) => {
        drawing.current = true;
        e.currentTarget.setPointerCapture?.(e.pointerId);
        paint(e);
      }}
      onPointerMove={paint}
      onPointerUp={finish}
      onPointerCancel={finish}
    />
  );
}

/** The layer as a black/white PNG (raw base64), or null when unpainted. */
function exportMask(c: HTMLCanvasElement | null): string | null {
  const ctx = c?.getContext('2d');
  if (!c || !ctx) return null;
  const data = ctx.getImageData(0, 0, c.width, c.height);
  const px = data.data;
  let any = false;
  for (let i = 0; i < px.length; i += 4) {
    const v = px[i + 3]! > 0 ? 255 : 0;
    any ||= v > 0;
    px[i] = px[i + 1] = px[i + 2] = v;
    px[i + 3] = 255;
  }
  if (!any) return null;
  const out = document.createElement('canvas');
  out.width = c.width;
  out.height = c.height;
  out.getContext('2d')!.putImageData(data, 0, 0);
  return out.toDataURL('image/png').slice(PREFIX.length);
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
