#!/usr/bin/env node
// Draws media/icon.png (256×256, the Marketplace icon): two opposed arrows, one file crossing
// each way, on a rounded blue square. Kept as a script so the icon can be redrawn without an
// image editor; the PNG is committed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SIZE = 256;
const BLUE = [31, 111, 235, 255];
const WHITE = [255, 255, 255, 255];
const ARROWS = [
  [[48, 96], [168, 96], [168, 64], [216, 112], [168, 160], [168, 128], [48, 128]],
  [[208, 160], [88, 160], [88, 128], [40, 176], [88, 224], [88, 192], [208, 192]],
];

function inPolygon(x, y, polygon) {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare(x, y, margin = 8, radius = 40) {
  const lo = margin + radius;
  const hi = SIZE - margin - radius;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return x >= margin && x < SIZE - margin && y >= margin && y < SIZE - margin && dx * dx + dy * dy <= radius * radius;
}

function pixel(x, y) {
  if (!inRoundedSquare(x, y)) return [0, 0, 0, 0];
  return ARROWS.some((arrow) => inPolygon(x, y, arrow)) ? WHITE : BLUE;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0: none
  for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x + 0.5, y + 0.5)).copy(row, 1 + x * 4);
  rows.push(row);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
fs.writeFileSync(path.join(__dirname, '..', 'media', 'icon.png'), png);
console.log(`media/icon.png: ${png.length} bytes`);
