package ai.backend.client.internal.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The SHA-256 of a file's content as it is sent, when the server may make us send a range again
 * (tus after a failure): bytes before the hashed position are not hashed twice, and a jump ahead
 * (the server already had them) is caught up from the file. The bytes a stream sends are hashed on a
 * thread of their own ({@link DigestPipe}), as downloads are: hashing in line held the sending
 * thread up for a third of an upload's time.
 *
 * <p>One stream is read at a time (one request at a time); {@link #catchUp}, {@link #finish} and the
 * next {@link #stream} first wait until the last stream's bytes are hashed.
 */
public final class SentDigest {
  private static final int BUFFER = 256 * 1024;
  private static final int PIPE_BUFFERS = 4;

  private final Path file;
  private MessageDigest md = GzipParts.sha256();
  private long hashed;
  private Feed feed; // the hashing of the current stream, or null

  public SentDigest(Path file) {
    this.file = file;
  }

  /** Hashes the file up to {@code offset} if the sent part has not reached it. */
  public void catchUp(long offset) throws IOException {
    drain();
    if (offset <= hashed) {
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(hashed);
      InputStream in = Channels.newInputStream(ch);
      byte[] buf = new byte[64 * 1024];
      while (hashed < offset) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, offset - hashed));
        if (n < 0) {
          throw new IOException(file + " is shorter than " + offset + " bytes");
        }
        md.update(buf, 0, n);
        hashed += n;
      }
    }
  }

  /** {@code length} bytes of the file from {@code offset}, hashing the ones not hashed yet. */
  public InputStream stream(long offset, long length) {
    drain();
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      ch.position(offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Feed f = new Feed(new DigestPipe(md, PIPE_BUFFERS, BUFFER));
    feed = f;
    return new FilterInputStream(Channels.newInputStream(ch)) {
      long pos = offset;
      final long end = offset + length;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
          return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, end - pos));
        if (n < 0) {
          throw new IOException(file + " ended early (changed while uploading?)");
        }
        if (pos + n > hashed) {
          int skip = (int) Math.max(0, hashed - pos);
          f.add(b, off + skip, n - skip);
          hashed = pos + n;
        }
        pos += n;
        return n;
      }

      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          f.close();
        }
      }
    };
  }

  /** Takes over what {@code other} (a completed attempt) hashed. */
  public void adopt(SentDigest other) {
    other.drain();
    drain();
    this.md = other.md;
    this.hashed = other.hashed;
  }

  /** The digest of the whole file ({@code size} bytes), hashing what was not sent. */
  public byte[] finish(long size) throws IOException {
    catchUp(size);
    return md.digest();
  }

  private void drain() {
    Feed f = feed;
    feed = null;
    if (f != null) {
      f.close();
    }
  }

  /** Gathers the sent bytes into the pipe's buffers, so the hasher gets few large pieces. */
  private static final class Feed {
    private final DigestPipe pipe;
    private byte[] buf;
    private int used;
    private boolean closed;

    Feed(DigestPipe pipe) {
      this.pipe = pipe;
    }

    synchronized void add(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("the upload's stream was closed");
      }
      while (len > 0) {
        if (buf == null) {
          buf = pipe.buffer();
          used = 0;
        }
        int k = Math.min(len, buf.length - used);
        System.arraycopy(b, off, buf, used, k);
        used += k;
        off += k;
        len -= k;
        if (used == buf.length) {
          pipe.submit(buf, used);
          buf = null;
        }
      }
    }

    /** Submits what is gathered and waits until all of it is hashed; idempotent. */
    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (buf != null) {
        if (used > 0) {
          pipe.submit(buf, used);
        } else {
          pipe.release(buf);
        }
        buf = null;
      }
      pipe.close();
    }
  }
}
