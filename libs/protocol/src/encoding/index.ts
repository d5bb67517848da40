export { Decoder, decodeAll } from './decoder.ts';
export { Writer, encode, asciiBytes, bytesAscii, concatBytes, bytesEqual } from './writer.ts';
