import { createCanvas, loadImage } from "@napi-rs/canvas";

/** A PNG as an uncompressed 8-bit greyscale TIFF, the simplest TIFF a scanner writes (no library here writes TIFF). */
export async function tiffOf(png: Buffer): Promise<Buffer> {
  const image = await loadImage(png);
  const { width, height } = image;
  const context = createCanvas(width, height).getContext("2d");
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, width, height).data;
  // Tag, type (3 SHORT, 4 LONG), value: width, height, 8 bits, no compression, black is zero, the strip, one sample.
  const tags: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0],
    [277, 3, 1],
    [278, 4, height],
    [279, 4, width * height],
  ];
  const dataOffset = 8 + 2 + tags.length * 12 + 4;
  const tiff = Buffer.alloc(dataOffset + width * height);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(1, at + 4);
    const written = tag === 273 ? dataOffset : value;
    if (type === 3) tiff.writeUInt16LE(written, at + 8);
    else tiff.writeUInt32LE(written, at + 8);
  });
  for (let i = 0; i < width * height; i++) tiff[dataOffset + i] = rgba[i * 4]!;
  return tiff;
}
