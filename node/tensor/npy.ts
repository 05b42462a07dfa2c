// The .npy format (NumPy's own, versions 1.0-3.0), C order only, every SplitUp dtype.
// Spec: numpy/lib/format.py. Header = magic, version, header length, a Python dict literal,
// padded with spaces and a newline so the data starts at a multiple of 64 bytes.
import { endianness } from 'node:os';
import { DTYPE_BYTES, elementCount, type Tensor, tensorByteLength } from '../../storage/tensors/tensor.js';
import { SplitUpError } from '../errors.js';
import { NpyErrorCode } from './errors.js';
import { NPY_DESCR_OF, parseNpyDescr } from './npy-dtype.js';

const MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY
/** Data offset alignment numpy uses since 1.x (lets readers map the data aligned). */
const HEADER_ALIGNMENT = 64;
/** Version 1.0 stores the header length in a u16; longer headers need version 2.0 (u32). */
const V1_MAX_HEADER_LENGTH = 0xffff;
/** Refuse absurd headers before decoding them (numpy itself caps at 10 000 bytes by default). */
const MAX_HEADER_LENGTH = 1 << 20;

if (endianness() !== 'LE') {
  // Tensor bytes are little-endian by contract and we hand them to typed arrays as-is.
  throw new SplitUpError(NpyErrorCode.BIG_ENDIAN_HOST, 'SplitUp requires a little-endian host');
}

function npyError(code: string, message: string, details?: Record<string, unknown>): SplitUpError {
  return new SplitUpError(code, message, details);
}

/** Python tuple text for a shape: (), (3,), (1, 3, 48). */
function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Serializes a tensor as a complete .npy file. */
export function encodeNpy(tensor: Tensor): Uint8Array {
  const expected = tensorByteLength(tensor.dtype, tensor.shape);
  if (tensor.data.byteLength !== expected) {
    throw npyError(
      NpyErrorCode.SIZE_MISMATCH,
      `tensor of ${tensor.dtype}${JSON.stringify(tensor.shape)} needs ${expected} bytes, has ${tensor.data.byteLength}`,
      { dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.data.byteLength },
    );
  }
  const dict = `{'descr': '${NPY_DESCR_OF[tensor.dtype]}', 'fortran_order': False, 'shape': ${shapeLiteral(tensor.shape)}, }`;
  const unpadded = dict.length + 1; // + trailing newline
  let prefix = MAGIC.length + 2 + 2;
  let major = 1;
  if (Math.ceil((prefix + unpadded) / HEADER_ALIGNMENT) * HEADER_ALIGNMENT - prefix > V1_MAX_HEADER_LENGTH) {
    major = 2;
    prefix = MAGIC.length + 2 + 4;
  }
  const headerLength = Math.ceil((prefix + unpadded) / HEADER_ALIGNMENT) * HEADER_ALIGNMENT - prefix;
  const header = `${dict}${' '.repeat(headerLength - unpadded)}\n`;
  const out = new Uint8Array(prefix + headerLength + tensor.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(tensor.data, prefix + headerLength);
  return out;
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

const DESCR_PATTERN = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/;
const LIST_DESCR_PATTERN = /['"]descr['"]\s*:\s*\[/;
const FORTRAN_PATTERN = /['"]fortran_order['"]\s*:\s*(True|False)/;
const SHAPE_PATTERN = /['"]shape['"]\s*:\s*\(([^)]*)\)/;

function parseHeader(text: string): NpyHeader {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw npyError(
      NpyErrorCode.BAD_HEADER,
      `.npy header is not a dictionary literal: ${JSON.stringify(trimmed.slice(0, 80))}`,
    );
  }
  if (LIST_DESCR_PATTERN.test(trimmed)) {
    throw npyError(
      NpyErrorCode.UNSUPPORTED_DTYPE,
      '.npy holds a structured (record) array; only plain numeric arrays are supported',
    );
  }
  const descr = DESCR_PATTERN.exec(trimmed)?.[1];
  const fortran = FORTRAN_PATTERN.exec(trimmed)?.[1];
  const shapeText = SHAPE_PATTERN.exec(trimmed)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw npyError(NpyErrorCode.BAD_HEADER, `.npy header lacks descr, fortran_order or shape: ${trimmed}`);
  }
  const parts = shapeText
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const shape = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) {
    throw npyError(
      NpyErrorCode.BAD_HEADER,
      `.npy shape (${shapeText}) is not a tuple of non-negative integers`,
    );
  }
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** Reverses the bytes of each element in place (big-endian file -> little-endian tensor). */
function swapBytes(data: Uint8Array, width: number): void {
  for (let i = 0; i < data.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = data[a]!;
      data[a] = data[b]!;
      data[b] = t;
    }
  }
}

/**
 * Parses a .npy file. The tensor's data is a view into `bytes` (no copy) unless the file is
 * big-endian, in which case it is converted to little-endian in a fresh buffer.
 */
export function decodeNpy(bytes: Uint8Array, source = '.npy'): Tensor {
  if (bytes.length < MAGIC.length + 4 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw npyError(
      NpyErrorCode.BAD_MAGIC,
      `${source} is not a .npy file (it does not start with \\x93NUMPY)`,
      {
        source,
      },
    );
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let prefix: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    prefix = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12)
      throw npyError(NpyErrorCode.TRUNCATED, `${source} ends inside its header`, { source });
    headerLength = view.getUint32(8, true);
    prefix = 12;
  } else {
    throw npyError(
      NpyErrorCode.BAD_VERSION,
      `${source} uses .npy format version ${major}.${bytes[7]}; 1.0-3.0 are supported`,
      {
        source,
        major,
      },
    );
  }
  if (headerLength > MAX_HEADER_LENGTH) {
    throw npyError(NpyErrorCode.BAD_HEADER, `${source} declares a ${headerLength}-byte header`, { source });
  }
  if (bytes.length < prefix + headerLength) {
    throw npyError(NpyErrorCode.TRUNCATED, `${source} ends inside its header`, { source });
  }
  // Versions 1 and 2 are latin1, version 3 utf-8; the fields we read are ASCII either way.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(prefix, prefix + headerLength),
  );
  const header = parseHeader(text);
  const parsed = parseNpyDescr(header.descr);
  if (!parsed) {
    throw npyError(
      NpyErrorCode.UNSUPPORTED_DTYPE,
      `${source} has dtype '${header.descr}', which SplitUp cannot carry`,
      {
        source,
        descr: header.descr,
      },
    );
  }
  if (header.fortranOrder && header.shape.filter((d) => d > 1).length > 1) {
    throw npyError(
      NpyErrorCode.FORTRAN_ORDER,
      `${source} is stored in Fortran (column-major) order; save it C-contiguous (np.ascontiguousarray)`,
      { source },
    );
  }
  const dataStart = prefix + headerLength;
  const expected = elementCount(header.shape) * DTYPE_BYTES[parsed.dtype];
  const actual = bytes.length - dataStart;
  if (actual < expected) {
    throw npyError(
      NpyErrorCode.TRUNCATED,
      `${source} is truncated: shape ${shapeLiteral(header.shape)} of ${parsed.dtype} needs ${expected} data bytes, file has ${actual}`,
      { source, expected, actual },
    );
  }
  if (actual > expected) {
    throw npyError(
      NpyErrorCode.SIZE_MISMATCH,
      `${source} has ${actual - expected} bytes after the data its shape ${shapeLiteral(header.shape)} declares`,
      { source, expected, actual },
    );
  }
  let data = bytes.subarray(dataStart);
  const width = DTYPE_BYTES[parsed.dtype];
  if (parsed.bigEndian && width > 1) {
    data = data.slice();
    swapBytes(data, width);
  }
  return { dtype: parsed.dtype, shape: header.shape, data };
}
