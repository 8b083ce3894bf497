/**
 * CRC-32 (the gzip polynomial) of a concatenation from the CRCs of its parts: crc(A‖B) = crc(A)·x^(8·|B|) ⊕ crc(B)
 * in GF(2)[x] modulo the polynomial. Lets parallel gzip checksum its blocks on the threads that compress them.
 * Polynomials are kept bit-reflected, as the CRC itself: bit 31 is x^0.
 */
const POLY = 0xedb88320
const ONE = 0x80000000

/** a·b mod P. */
function mulMod(a: number, b: number): number {
  let product = 0
  for (let bit = ONE; a !== 0; bit >>>= 1) {
    if (a & bit) {
      product ^= b
      a = (a ^ bit) >>> 0
    }
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1
  }
  return product >>> 0
}

/** X2N[k] = x^(2^k) mod P. */
const X2N: number[] = [ONE >>> 1]
for (let k = 1; k < 32; k++) X2N.push(mulMod(X2N[k - 1]!, X2N[k - 1]!))

/** x^(8·bytes) mod P. */
function shiftFor(bytes: number): number {
  let p = ONE
  for (let n = bytes, k = 3; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = mulMod(X2N[k % 32]!, p)
  return p
}

const shifts = new Map<number, number>()

/** The CRC-32 of A‖B, given crc(A), crc(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  let shift = shifts.get(lengthB)
  if (shift === undefined) {
    shift = shiftFor(lengthB)
    if (shifts.size < 64) shifts.set(lengthB, shift)
  }
  return (mulMod(shift, crcA) ^ crcB) >>> 0
}
