// Photos on the phone before they are queued: a photo larger than MAX_SIDE pixels on its long side (or not
// a small JPEG) is drawn on a canvas at most MAX_SIDE px long and encoded as JPEG at QUALITY. A canvas
// drops EXIF, and the server reads the photo's time and GPS from it (service/inspections/photos.py), so
// the original's EXIF APP1 segment is copied into the new JPEG, right after its start marker (in place of
// the canvas's JFIF APP0). The canvas draws the picture already turned upright (the browser applies the
// EXIF orientation), so the copied Orientation tag is set to 1 (upright) or the picture would turn twice.
// A small JPEG is kept as it is. No DOM besides the canvas; no dependencies.

export const MAX_SIDE = 1600;
export const QUALITY = 0.85;
const KEEP_BYTES = 1536 * 1024; // a JPEG within MAX_SIDE and this size is sent as taken
const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

const u16 = (b, i) => (b[i] << 8) | b[i + 1];

/** The segments of a JPEG before its image data: [{marker, start, end}] (end exclusive); [] if not a JPEG. */
export function segments(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return [];
  const out = [];
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    while (bytes[i + 1] === 0xff && i + 2 < bytes.length) i++; // fill bytes
    const marker = bytes[i + 1];
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image: no more headers
    const end = i + 2 + u16(bytes, i + 2);
    if (end > bytes.length) break;
    out.push({ marker, start: i, end });
    i = end;
  }
  return out;
}

const isExif = (bytes, s) => s.marker === 0xe1 && EXIF_HEADER.every((v, k) => bytes[s.start + 4 + k] === v);

/** The EXIF APP1 segment of a JPEG (marker and length included), or null. */
export function exifSegment(bytes) {
  const s = segments(bytes).find((x) => isExif(bytes, x));
  return s ? bytes.slice(s.start, s.end) : null;
}

/** A copy of an EXIF APP1 segment whose IFD0 Orientation (0x0112), if any, says 1 (upright). */
export function upright(app1) {
  const out = app1.slice();
  const tiff = 10; // marker (2), length (2), "Exif\0\0" (6)
  const little = out[tiff] === 0x49; // "II" little-endian, "MM" big-endian
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  try {
    const ifd0 = tiff + view.getUint32(tiff + 4, little);
    const count = view.getUint16(ifd0, little);
    for (let n = 0; n < count; n++) {
      const entry = ifd0 + 2 + 12 * n;
      if (view.getUint16(entry, little) === 0x0112 && view.getUint16(entry + 2, little) === 3) {
        view.setUint16(entry + 8, 1, little);
      }
    }
  } catch (_) { /* a truncated IFD: the segment is copied as it is */ }
  return out;
}

/** `jpeg` with `app1` as its first segment; the JFIF APP0 and any APP1 at its start are left out. */
export function spliceExif(jpeg, app1) {
  let rest = 2;
  for (const s of segments(jpeg)) {
    if (s.marker !== 0xe0 && s.marker !== 0xe1) break;
    rest = s.end;
  }
  const out = new Uint8Array(2 + app1.length + jpeg.length - rest);
  out.set([0xff, 0xd8], 0);
  out.set(app1, 2);
  out.set(jpeg.subarray(rest), 2 + app1.length);
  return out;
}

function encode(bitmap, width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("encode"))), "image/jpeg", QUALITY));
}

/**
 * The photo as it is queued: {blob, width, height, resized, exif (the original's EXIF kept)}. Rejects with a
 * Chinese message when the browser cannot read the file as a picture.
 */
export async function preparePhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (_) {
    throw new Error(`无法读取照片“${file.name || ""}”，请选择 JPEG、PNG 或 WebP 格式的照片。`);
  }
  const { width, height } = bitmap;
  const original = new Uint8Array(await file.arrayBuffer());
  const jpeg = segments(original).length > 0;
  if (jpeg && Math.max(width, height) <= MAX_SIDE && file.size <= KEEP_BYTES) {
    bitmap.close();
    return { blob: new Blob([original], { type: "image/jpeg" }), width, height, resized: false, exif: !!exifSegment(original) };
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
  const drawn = new Uint8Array(await (await encode(bitmap, w, h)).arrayBuffer());
  bitmap.close();
  const app1 = jpeg ? exifSegment(original) : null;
  const bytes = app1 ? spliceExif(drawn, upright(app1)) : drawn;
  return { blob: new Blob([bytes], { type: "image/jpeg" }), width: w, height: h, resized: true, exif: !!app1 };
}
