package ai.backend.client.transport.apache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/**
 * Streams an {@link InputStream} into the async client in 64 KiB chunks as the socket accepts them.
 * It runs on an I/O reactor thread, so a source that blocks for long (not a file or memory) delays
 * other exchanges on that thread. The content type is sent as a request header, not from here.
 */
final class StreamProducer implements AsyncEntityProducer {
  private static final int CHUNK = 64 * 1024;
  private static final int BUDGET = 1024 * 1024; // yield the reactor thread after this many bytes

  private final Supplier<InputStream> source;
  private final long length;
  private final boolean repeatable;
  private final byte[] chunk = new byte[CHUNK];
  private InputStream in;
  private ByteBuffer pending;
  private boolean eof;
  private volatile Exception failure;

  StreamProducer(Supplier<InputStream> source, long length, boolean repeatable) {
    this.source = source;
    this.length = length;
    this.repeatable = repeatable;
  }

  @Override
  public boolean isRepeatable() {
    return repeatable;
  }

  @Override
  public String getContentType() {
    return null;
  }

  @Override
  public long getContentLength() {
    return length;
  }

  @Override
  public String getContentEncoding() {
    return null;
  }

  @Override
  public boolean isChunked() {
    return length < 0;
  }

  @Override
  public Set<String> getTrailerNames() {
    return null;
  }

  @Override
  public int available() {
    return Integer.MAX_VALUE;
  }

  @Override
  public void produce(DataStreamChannel channel) throws IOException {
    if (in == null) {
      in = source.get();
    }
    int written = 0;
    while (written < BUDGET) {
      if (pending != null && pending.hasRemaining()) {
        written += channel.write(pending);
        if (pending.hasRemaining()) {
          return; // socket full: we are called again when it drains
        }
      }
      if (eof) {
        channel.endStream(null);
        return;
      }
      int n = in.read(chunk, 0, chunk.length);
      if (n < 0) {
        eof = true;
      } else {
        pending = ByteBuffer.wrap(chunk, 0, n);
      }
    }
    channel.requestOutput();
  }

  @Override
  public void failed(Exception cause) {
    failure = cause;
  }

  Exception failure() {
    return failure;
  }

  @Override
  public void releaseResources() {
    InputStream s = in;
    in = null;
    pending = null;
    eof = false;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to release beyond the stream itself
      }
    }
  }
}
