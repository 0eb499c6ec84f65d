import { stripVTControlCharacters } from 'node:util';
import jsQR from 'jsqr';
import pngjs from 'pngjs';

/** jsQR on an RGBA image; undefined when no QR code is found. jsqr is CommonJS: its function is also its `default`. */
function decodeRgba(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR.default(data, width, height)?.data;
}

/** Reads a QR code from a PNG as a phone camera would, with pure-JS libraries (pngjs, jsQR). */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = pngjs.PNG.sync.read(png);
  return decodeRgba(new Uint8ClampedArray(image.data), image.width, image.height);
}

/**
 * Reads a QR code drawn for a terminal with half blocks (qrcode's `small` terminal type):
 * each character is two modules, one above the other, dark where the block is drawn in
 * the foreground colour. The last line is the bottom quiet zone, drawn in white (▀ in
 * colour 37), so it is light. Each module becomes 4×4 pixels, with a light margin.
 */
export function decodeTerminalQr(drawn: string): string | undefined {
  const lines = stripVTControlCharacters(drawn).split('\n').filter((line) => line.length > 0);
  const halves: Record<string, [number, number]> = { ' ': [0, 0], '▀': [1, 0], '▄': [0, 1], '█': [1, 1] };
  const rows: number[][] = [];
  lines.forEach((line, index) => {
    const last = index === lines.length - 1;
    const cells = [...line].map((character) => (last ? [0, 0] : (halves[character] ?? [0, 0])));
    rows.push(cells.map((cell) => cell[0]!), cells.map((cell) => cell[1]!));
  });
  const scale = 4;
  const margin = 4;
  const width = (Math.max(...rows.map((row) => row.length)) + 2 * margin) * scale;
  const height = (rows.length + 2 * margin) * scale;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((y + margin) * scale + dy) * width + (x + margin) * scale + dx) * 4;
          data[offset] = data[offset + 1] = data[offset + 2] = 0;
        }
      }
    }),
  );
  return decodeRgba(data, width, height);
}
