package ai.backend.client.internal.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

/** Test helper: serves a byte array 1 to 7 bytes per read, to exercise buffer edges. */
public final class TrickleInputStream extends InputStream {
  private final ByteArrayInputStream in;
  private final Random random;
  public int reads;

  public TrickleInputStream(byte[] data, long seed) {
    this.in = new ByteArrayInputStream(data);
    this.random = new Random(seed);
  }

  @Override
  public int read() {
    reads++;
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    reads++;
    if (len == 0) {
      return 0;
    }
    return in.read(b, off, Math.min(len, 1 + random.nextInt(7)));
  }
}
