// Paint the region a refine instruction should change; the mask is a PNG
// (white = change) the size of the image's canvas.
import { useEffect, useId, useRef, useState, type PointerEvent } from 'react';

export function MaskBrush({ imageUrl, onMask, size = 320 }: { imageUrl: string; onMask: (png: Blob | null) => void; size?: number }) {
  const uid = useId();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [on, setOn] = useState(false);
  const [painted, setPainted] = useState(false);
  const drawing = useRef(false);
  const [radius, setRadius] = useState(16);
  // The mask has the image's own size: providers composite it pixel for pixel.
  const [dims, setDims] = useState({ width: 1280, height: 720 });

  useEffect(() => {
    if (!on) onMask(null);
  }, [on, onMask]);

  const paint = (e: PointerEvent<HTMLCanvasElement>) => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !drawing.current) return;
    const box = c.getBoundingClientRect();
    ctx.fillStyle = 'rgba(255,255,255,1)';
    ctx.beginPath();
    const scale = c.width / box.width; // the brush size is in screen pixels
    ctx.arc(((e.clientX - box.left) * c.width) / box.width, ((e.clientY - box.top) * c.height) / box.height, radius * scale, 0, Math.PI * 2);
    ctx.fill();
    setPainted(true);
  };
  const finish = () => {
    drawing.current = false;
    canvas.current?.toBlob((b) => onMask(b), 'image/png');
  };
  const clear = () => {
    const c = canvas.current;
    c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    setPainted(false);
    onMask(null);
  };

  return (
    <div className="mask-brush">
      <div className="field checkbox">
        <input id={`${uid}-on`} type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} />
        <label htmlFor={`${uid}-on`}>Draw a mask: only the painted area changes</label>
      </div>
      {on && (
        <>
          <div className="overlay" style={{ width: size, height: (size * 9) / 16 }}>
            <img
              src={imageUrl}
              alt=""
              onLoad={(e) => {
                const { naturalWidth: width, naturalHeight: height } = e.currentTarget;
                if (width > 0 && height > 0 && (width !== dims.width || height !== dims.height)) setDims({ width, height });
              }}
            />
            <canvas
              ref={canvas}
              width={dims.width}
              height={dims.height}
              aria-label="Mask canvas: paint with the pointer"
              onPointerDown={(e) => {
                drawing.current = true;
                paint(e);
              }}
              onPointerMove={paint}
              onPointerUp={finish}
              onPointerLeave={() => drawing.current && finish()}
            />
          </div>
          <div className="row">
            <label htmlFor={`${uid}-radius`}>Brush size</label>
            <input id={`${uid}-radius`} type="range" min={4} max={64} value={radius} onChange={(e) => setRadius(Number(e.target.value))} />
            <button type="button" onClick={clear} disabled={!painted}>
              Clear mask
            </button>
          </div>
        </>
      )}
    </div>
  );
}
