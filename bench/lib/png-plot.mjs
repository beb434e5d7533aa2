// A dependency-free line plot written as a PNG (zlib from Node, a 3×5 pixel font for the tick numbers). Axis
// titles and the legend live in the markdown next to the image; the image carries ticks, grid, lines and markers.

import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encode an RGB image (width × height × 3 bytes, row by row) as a PNG. */
export function encodePng(width, height, rgb) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const FONT = {
  0: '111101101101111',
  1: '010110010010111',
  2: '111001111100111',
  3: '111001111001111',
  4: '101101111001001',
  5: '111100111001111',
  6: '111100111101111',
  7: '111001001001001',
  8: '111101111101111',
  9: '111101111001111',
  '.': '000000000000010',
  '%': '101001010100101',
};

class Canvas {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.rgb = Buffer.alloc(width * height * 3, 255);
  }
  set(x, y, [r, g, b]) {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.rgb[i] = r;
    this.rgb[i + 1] = g;
    this.rgb[i + 2] = b;
  }
  rect(x, y, w, h, color) {
    for (let i = 0; i < w; i++) for (let j = 0; j < h; j++) this.set(x + i, y + j, color);
  }
  line(x0, y0, x1, y1, color, thickness = 1) {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.rect(x - Math.floor(thickness / 2), y - Math.floor(thickness / 2), thickness, thickness, color);
    }
  }
  text(x, y, str, color, scale = 2) {
    let cx = x;
    for (const ch of str) {
      const glyph = FONT[ch];
      if (glyph !== undefined) {
        for (let i = 0; i < 15; i++)
          if (glyph[i] === '1') this.rect(cx + (i % 3) * scale, y + Math.floor(i / 3) * scale, scale, scale, color);
      }
      cx += 4 * scale;
    }
  }
}

/**
 * A line plot: `series` = [{ color: [r, g, b], points: [[x, y], …] }] (y null = not detected, left out), axes over
 * [xMin, xMax] × [yMin, yMax] (y linear, or logarithmic with `yLog`) with the given ticks.
 */
export function linePlotPng({
  width = 640,
  height = 400,
  xMin,
  xMax,
  yMin = 0,
  yMax,
  yLog = false,
  xTicks,
  yTicks,
  series,
}) {
  const c = new Canvas(width, height);
  const left = 50;
  const right = width - 20;
  const top = 20;
  const bottom = height - 40;
  const px = (x) => left + ((x - xMin) / (xMax - xMin)) * (right - left);
  const f = yLog ? Math.log10 : (v) => v;
  const py = (y) => bottom - ((f(y) - f(yMin)) / (f(yMax) - f(yMin))) * (bottom - top);
  const grey = [225, 225, 225];
  const black = [0, 0, 0];
  for (const t of yTicks) {
    c.line(left, py(t), right, py(t), grey);
    const label = String(t);
    c.text(left - 8 - label.length * 8, py(t) - 5, label, black);
  }
  for (const t of xTicks) {
    c.line(px(t), top, px(t), bottom, grey);
    const label = String(t);
    c.text(px(t) - label.length * 4, bottom + 10, label, black);
  }
  c.line(left, bottom, right, bottom, black, 2);
  c.line(left, top, left, bottom, black, 2);
  for (const s of series) {
    const pts = s.points.filter(([, y]) => y !== null && y !== undefined);
    for (let i = 1; i < pts.length; i++)
      c.line(px(pts[i - 1][0]), py(pts[i - 1][1]), px(pts[i][0]), py(pts[i][1]), s.color, 3);
    for (const [x, y] of pts) c.rect(px(x) - 4, py(y) - 4, 9, 9, s.color);
  }
  return encodePng(width, height, c.rgb);
}
