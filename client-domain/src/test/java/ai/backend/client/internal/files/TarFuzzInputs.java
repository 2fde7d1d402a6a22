package ai.backend.client.internal.files;

import java.nio.charset.StandardCharsets;

/** Helpers shared by the tar fuzz tests. */
final class TarFuzzInputs {
  private TarFuzzInputs() {}

  /**
   * Writes a valid header checksum into every 512-byte block when the input's length is even:
   * otherwise a mutated header almost never gets past the checksum (an octal sum the fuzzer would
   * have to write in ASCII), and the parsing behind it stays unexplored. Odd lengths keep the bytes
   * as they are, so the checksum check itself is fuzzed too. Data blocks get a "checksum" as well,
   * which is just more arbitrary data.
   */
  static byte[] withChecksums(byte[] tar) {
    if (tar.length % 2 != 0) {
      return tar;
    }
    byte[] out = tar.clone();
    for (int off = 0; off + TarReader.BLOCK <= out.length; off += TarReader.BLOCK) {
      boolean zero = true;
      for (int i = off; i < off + TarReader.BLOCK && zero; i++) {
        zero = out[i] == 0;
      }
      if (zero) {
        continue; // keep end-of-archive markers
      }
      long sum = 0;
      for (int i = 0; i < TarReader.BLOCK; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : out[off + i] & 0xff;
      }
      byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(field, 0, out, off + 148, 8);
    }
    return out;
  }
}
