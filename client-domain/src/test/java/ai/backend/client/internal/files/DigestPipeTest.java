package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DigestPipeTest {
  @Test
  void everySubmittedByteIsInTheDigestOnceClosed() throws Exception {
    byte[] data = new byte[1_000_003];
    new Random(7).nextBytes(data);
    MessageDigest piped = MessageDigest.getInstance("SHA-256");
    try (DigestPipe pipe = new DigestPipe(piped, 2, 4096)) {
      int off = 0;
      int step = 1;
      while (off < data.length) {
        byte[] buf = pipe.buffer();
        int n = Math.min(Math.min(step, buf.length), data.length - off);
        System.arraycopy(data, off, buf, 0, n);
        pipe.submit(buf, n);
        off += n;
        step = step * 3 % 5000 + 1; // uneven pieces, some larger than a buffer's worth in flight
      }
    }
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), piped.digest());
  }

  @Test
  void closeWaitsForTheHasherEvenWhenInterrupted() throws Exception {
    byte[] data = new byte[64 * 1024];
    new Random(8).nextBytes(data);
    MessageDigest piped = MessageDigest.getInstance("SHA-256");
    DigestPipe pipe = new DigestPipe(piped, 4, data.length);
    for (int i = 0; i < 4; i++) {
      byte[] buf = pipe.buffer();
      System.arraycopy(data, 0, buf, 0, data.length);
      pipe.submit(buf, data.length);
    }
    Thread.currentThread().interrupt();
    pipe.close();
    assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    MessageDigest direct = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 4; i++) {
      direct.update(data);
    }
    assertArrayEquals(direct.digest(), piped.digest());
  }
}
