// Exports a chart as SVG (the rendered <svg> with its computed styles inlined), PNG (that SVG drawn on a canvas at
// 2x) or CSV, by handing the browser a download.
import { stringify } from 'csv-stringify/browser/esm/sync';

const STYLE_PROPS = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'font-size',
  'font-family',
  'font-weight',
  'opacity',
  'fill-opacity',
  'stroke-opacity',
  'text-anchor',
  'dominant-baseline',
];

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

/** A standalone copy of an on-screen SVG: styles from CSS copied onto each element, white background. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('*');
  const dst = clone.querySelectorAll('*');
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    (dst[i] as SVGElement).setAttribute('style', style);
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  download(name, new Blob([standaloneSvg(svg)], { type: 'image/svg+xml' }));
}

export async function exportPng(svg: SVGSVGElement, name: string): Promise<void> {
  const text = standaloneSvg(svg);
  const { width, height } = svg.getBoundingClientRect();
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('could not draw the chart'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * 2);
    canvas.height = Math.round(height * 2);
    const g = canvas.getContext('2d')!;
    g.scale(2, 2);
    g.drawImage(img, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/png'));
    if (!blob) throw new Error('the browser could not encode the PNG');
    download(name, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** RFC 4180 text, one line per row: fields quoted only when needed, null as an empty cell, booleans as true/false. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return stringify([header, ...rows], { cast: { boolean: (v) => String(v) } });
}

export function exportCsv(header: string[], rows: unknown[][], name: string): void {
  download(name, new Blob([toCsv(header, rows)], { type: 'text/csv' }));
}
