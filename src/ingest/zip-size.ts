/**
 * How many bytes the entries of a zip file (a .docx) whose names pass `counted` declare they unpack to,
 * all together, read from its central directory without unpacking anything: a 700 KB .docx can hold
 * 200 MB of XML. Undefined when the bytes hold no readable central directory (the unzipper then refuses
 * the file itself). A zip may declare less than it holds; the reading thread's memory limit catches that.
 */
export function declaredUnpackedBytes(bytes: Uint8Array, counted: (name: string) => boolean = () => true): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endOfCentralDirectory(view);
  if (end === undefined) return undefined;
  let entries = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  // A ZIP64 file keeps its real counts in the ZIP64 end record, found through the locator just before.
  if ((entries === 0xffff || offset === 0xffffffff) && end >= 20 && view.getUint32(end - 20, true) === ZIP64_LOCATOR) {
    const zip64End = Number(view.getBigUint64(end - 12, true));
    if (zip64End + 56 > view.byteLength || view.getUint32(zip64End, true) !== ZIP64_END) return undefined;
    entries = Number(view.getBigUint64(zip64End + 32, true));
    offset = Number(view.getBigUint64(zip64End + 48, true));
  }
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > view.byteLength || view.getUint32(offset, true) !== CENTRAL_ENTRY) return undefined;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    let size = view.getUint32(offset + 24, true);
    if (size === 0xffffffff) size = zip64Size(view, offset + 46 + nameLength, extraLength) ?? size;
    if (counted(NAMES.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)))) total += size;
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return total;
}

const NAMES = new TextDecoder();
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
/** The end record is 22 bytes and may be followed by a comment of up to 65,535. */
const MAX_END_SEARCH = 22 + 0xffff;

function endOfCentralDirectory(view: DataView): number | undefined {
  const last = view.byteLength - 22;
  for (let at = last; at >= 0 && at >= last - MAX_END_SEARCH; at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return undefined;
}

/** The uncompressed size in an entry's ZIP64 extra field (id 1), which comes first in it. */
function zip64Size(view: DataView, start: number, length: number): number | undefined {
  for (let at = start; at + 4 <= start + length && at + 4 <= view.byteLength; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 1 && size >= 8 && at + 12 <= view.byteLength) return Number(view.getBigUint64(at + 4, true));
    at += 4 + size;
  }
  return undefined;
}
